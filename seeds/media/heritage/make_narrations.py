"""Turn the seed narrations into small MP3 files, once, on a developer's machine.

    python -m seeds.media.heritage.make_narrations   (needs espeak-ng and lame)

The MP3 files are committed, so loading the seeds never needs either program. MP3 rather than
Ogg/Opus because every phone browser plays it, older iPhones included.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from seeds.heritage_data import SITES

HERE = Path(__file__).parent
VOICES = {"vi": "vi", "en": "en-gb"}
WORDS_PER_MINUTE = {"vi": 150, "en": 150}


def narrate(text: str, language: str, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        speech = Path(folder) / "speech.wav"
        subprocess.run(
            [
                "espeak-ng",
                "-v",
                VOICES[language],
                "-s",
                str(WORDS_PER_MINUTE[language]),
                "-w",
                str(speech),
                text,
            ],
            check=True,
        )
        subprocess.run(
            [
                "lame",
                "--quiet",
                "-m",
                "m",
                "--resample",
                "22.05",
                "-b",
                "32",
                "--noreplaygain",
                "--tt",
                target.stem,
                str(speech),
                str(target),
            ],
            check=True,
        )


def main() -> None:
    for site in SITES:
        for language, text in site.texts.items():
            target = HERE / f"{site.slug}-{language}.mp3"
            narrate(text.narration, language, target)
            print(target.name, target.stat().st_size)


if __name__ == "__main__":
    main()
