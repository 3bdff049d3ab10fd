"""Narrations officers upload: OGG/Opus, MP3 or WAV, told apart by their first bytes, never by
the file name or the declared type. (Photos go through `marketplace.images`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from marketplace.errors import invalid_field

MAX_AUDIO_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class AudioKind:
    extension: str
    media_type: str


OGG_OPUS = AudioKind("ogg", "audio/ogg")
MP3 = AudioKind("mp3", "audio/mpeg")
WAV = AudioKind("wav", "audio/wav")


def sniff_audio(data: bytes) -> AudioKind:
    """The kind of a narration file by its magic bytes; `InvalidInput` when it is none we take."""
    if len(data) > MAX_AUDIO_BYTES:
        raise invalid_field(
            "audio",
            "audio_too_large",
            "Tệp âm thanh quá lớn (tối đa 10 MB).",
            "The audio file is too large (10 MB at most).",
        )
    if data[:4] == b"OggS" and b"OpusHead" in data[:64]:
        return OGG_OPUS
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return WAV
    if data[:3] == b"ID3" or _is_mpeg_audio_frame(data[:4]):
        return MP3
    raise invalid_field(
        "audio",
        "audio_type_unsupported",
        "Tệp âm thanh phải là OGG/Opus, MP3 hoặc WAV.",
        "The audio file must be OGG/Opus, MP3 or WAV.",
    )


def _is_mpeg_audio_frame(header: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a known version and layer, a valid bitrate."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return False
    version = (header[1] >> 3) & 0b11
    layer = (header[1] >> 1) & 0b11
    bitrate = header[2] >> 4
    return version != 0b01 and layer != 0b00 and bitrate not in (0b0000, 0b1111)
