"""A deterministic synthetic catalogue of Vietnamese OCOP products, and a buyer-like query mix.

Names combine real product words, varieties and real commune names (from `marketplace.places`);
descriptions are sentences built from the phrases producers use. Provinces are weighted
towards Thanh Hóa (38) and Ninh Bình (37), as in the seeds. Word frequencies are skewed the
way real catalogues are: a few words ("sản phẩm", "OCOP", "đặc sản") are in most documents.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace import places
from marketplace.search.documents import SearchDocument
from marketplace.search.query import SearchQuery
from marketplace.search.tokens import fold_text

# kind, OCOP group, OCOP set, unit, typical price (đồng), tastes/uses
KINDS: list[tuple[str, int, int, str, int]] = [
    ("Bưởi", 1, 1, "quả", 60_000),
    ("Chuối ngự", 1, 1, "nải", 80_000),
    ("Nho", 1, 1, "kg", 120_000),
    ("Nước mắm", 1, 9, "chai", 95_000),
    ("Mật ong", 1, 4, "chai", 250_000),
    ("Gạo", 1, 3, "túi 5kg", 150_000),
    ("Chè", 2, 11, "gói", 180_000),
    ("Nem chua", 1, 6, "chục", 50_000),
    ("Bánh đa", 1, 8, "gói", 30_000),
    ("Rượu", 2, 14, "chai", 200_000),
    ("Miến dong", 1, 7, "gói", 70_000),
    ("Cà phê", 2, 13, "gói", 160_000),
    ("Hạt điều", 1, 7, "hộp", 220_000),
    ("Hạt tiêu", 1, 10, "gói", 90_000),
    ("Mắm tôm", 1, 9, "hũ", 45_000),
    ("Trà hoa vàng", 2, 12, "hộp", 350_000),
    ("Tỏi", 1, 1, "kg", 60_000),
    ("Nấm linh chi", 3, 18, "hộp", 480_000),
    ("Dầu lạc", 1, 10, "chai", 110_000),
    ("Mứt gừng", 1, 8, "hộp", 65_000),
    ("Giò lụa", 1, 6, "kg", 220_000),
    ("Chả cá", 1, 6, "kg", 240_000),
    ("Cá khô", 1, 6, "kg", 300_000),
    ("Mực khô", 1, 6, "kg", 900_000),
    ("Chanh leo", 1, 1, "kg", 40_000),
    ("Xoài", 1, 1, "kg", 50_000),
    ("Vải thiều", 1, 1, "kg", 45_000),
    ("Nhãn lồng", 1, 1, "kg", 55_000),
    ("Cam", 1, 1, "kg", 40_000),
    ("Khoai lang", 1, 1, "kg", 30_000),
    ("Măng khô", 1, 7, "kg", 280_000),
    ("Mộc nhĩ", 1, 7, "gói", 60_000),
    ("Quế", 3, 20, "kg", 120_000),
    ("Gà đồi", 1, 2, "con", 350_000),
    ("Bánh gai", 1, 8, "chục", 60_000),
    ("Kẹo lạc", 1, 8, "gói", 35_000),
    ("Chiếu cói", 4, 21, "chiếc", 280_000),
    ("Nón lá", 4, 21, "chiếc", 90_000),
    ("Gốm", 4, 21, "bộ", 450_000),
    ("Thổ cẩm", 4, 22, "tấm", 380_000),
    ("Cây cảnh", 5, 24, "chậu", 500_000),
    ("Du lịch cộng đồng", 6, 26, "người", 400_000),
]
VARIETIES = [
    "",
    "",
    "",
    "hữu cơ",
    "đặc sản",
    "sạch",
    "loại 1",
    "cao cấp",
    "truyền thống",
    "sấy khô",
    "tươi",
    "nguyên chất",
    "rừng",
    "thơm",
    "đỏ",
    "vàng",
    "xanh",
    "Tết",
    "quà biếu",
    "thượng hạng",
    "nếp cái hoa vàng",
    "tám thơm",
    "Shan tuyết",
    "cổ truyền",
]
TASTES = [
    "ngọt thanh",
    "thơm dịu",
    "đậm đà",
    "chua nhẹ",
    "béo ngậy",
    "giòn",
    "mềm",
    "cay nồng",
    "mọng nước",
    "vị hậu ngọt",
    "thơm nồng",
    "dẻo",
]
SENTENCES = [
    "{kind} được trồng và chăm sóc tại {commune}, {province} theo quy trình {cert}.",
    "Sản phẩm đạt chứng nhận OCOP {stars} sao của tỉnh {province}.",
    "{kind} có vị {taste}, {taste2}, được người tiêu dùng khắp nơi tin dùng.",
    "Đóng gói cẩn thận, bảo quản nơi khô ráo thoáng mát, giao hàng toàn quốc.",
    "Thích hợp làm quà biếu dịp Tết và các dịp lễ hội của làng.",
    "Hợp tác xã {commune} có truyền thống làm {kind_lower} hơn {years} năm.",
    "Nông dân thu hoạch thủ công vào mùa vụ chính, không dùng thuốc bảo vệ thực vật.",
    "Đặc sản {province} nổi tiếng, được khách du lịch yêu thích.",
    "Sản phẩm được kiểm nghiệm an toàn thực phẩm, có tem truy xuất nguồn gốc.",
    "Vùng đất phù sa màu mỡ ven sông cho {kind_lower} chất lượng cao.",
]
CERTS = ["vietgap", "organic", "globalgap", "haccp", "iso22000", "geographical_indication"]
CERT_WORDS = {"vietgap": "VietGAP", "organic": "hữu cơ", "globalgap": "GlobalGAP"}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Văn Tám", "Thị Lan", "Văn Hùng", "Thị Hoa", "Đức Minh", "Thị Mai", "Văn Bình"]
EPOCH = datetime(2025, 7, 1, tzinfo=UTC)


def catalogue(size: int, seed: int = 20251124) -> list[SearchDocument]:
    """`size` products, the same for the same size and seed."""
    rng = random.Random(seed)
    provinces = places.provinces()
    weights = [12 if p.code in ("37", "38") else 1 for p in provinces]
    communes = {p.code: places.communes(p.code) for p in provinces}
    producers = _producers(rng, max(10, size // 8), provinces, weights, communes)
    return [_product(rng, product_id, producers) for product_id in range(1, size + 1)]


@dataclass(frozen=True)
class _Producer:
    id: int
    name: str
    slug: str
    province_code: str
    province_name: str
    commune_code: str
    commune_name: str


def _producers(rng, count, provinces, weights, communes) -> list[_Producer]:  # type: ignore[no-untyped-def]
    result = []
    for producer_id in range(1, count + 1):
        province = rng.choices(provinces, weights)[0]
        commune = rng.choice(communes[province.code])
        style = rng.random()
        if style < 0.5:
            name = f"HTX Nông nghiệp {commune.name}"
        elif style < 0.8:
            name = f"Hộ kinh doanh {rng.choice(FAMILY)} {rng.choice(GIVEN)}"
        else:
            name = f"Công ty TNHH Đặc sản {commune.name}"
        result.append(
            _Producer(
                producer_id,
                name,
                f"producer-{producer_id}",
                province.code,
                province.name,
                commune.code,
                commune.name,
            )
        )
    return result


def _product(rng: random.Random, product_id: int, producers: list[_Producer]) -> SearchDocument:
    kind, group, product_set, unit, price = rng.choice(KINDS)
    producer = rng.choice(producers)
    variety = rng.choice(VARIETIES)
    place = producer.commune_name if rng.random() < 0.7 else producer.province_name
    name = " ".join(part for part in (kind, variety, place) if part)
    stars = rng.choice([3, 3, 4, 4, 5, None])
    certs = tuple(sorted(set(rng.sample(CERTS, rng.choice([0, 0, 1, 1, 2])))))
    fills = {
        "kind": kind,
        "kind_lower": kind.lower(),
        "commune": producer.commune_name,
        "province": producer.province_name,
        "cert": CERT_WORDS.get(certs[0], "VietGAP") if certs else "truyền thống",
        "stars": stars or 3,
        "taste": rng.choice(TASTES),
        "taste2": rng.choice(TASTES),
        "years": rng.randint(10, 200),
    }
    sentences = rng.sample(SENTENCES, rng.randint(2, 5))
    description = " ".join(s.format(**fills) for s in sentences)
    return SearchDocument(
        product_id=product_id,
        slug=f"san-pham-{product_id}",
        name=name,
        description_vi=description,
        description_en=f"{fold_text(kind).title()} from {producer.province_name}, Vietnam.",
        producer_id=producer.id,
        producer_name=producer.name,
        producer_slug=producer.slug,
        province_code=producer.province_code,
        province_name=producer.province_name,
        commune_code=producer.commune_code,
        commune_name=producer.commune_name,
        ocop_group=group,
        ocop_set=product_set,
        ocop_stars=stars,
        certifications=certs,
        price_vnd=int(round(price * rng.uniform(0.6, 1.8), -3)),
        unit=unit,
        photo_url=None,
        updated_at=EPOCH + timedelta(minutes=product_id * 7 + rng.randint(0, 6)),
    )


@dataclass(frozen=True)
class BenchQuery:
    kind: str  # exact | no_diacritics | typo | prefix | filtered
    query: SearchQuery


def query_mix(documents: list[SearchDocument], count: int, seed: int = 7) -> list[BenchQuery]:
    """Queries typed the way buyers type them, drawn from the catalogue's own words."""
    rng = random.Random(seed)
    names = [d.name for d in documents]
    result: list[BenchQuery] = []
    makers = [_exact, _no_diacritics, _typo, _prefix, _filtered]
    for i in range(count):
        maker = makers[i % len(makers)]
        result.append(maker(rng, rng.choice(names)))
    return result


def _phrase(rng: random.Random, name: str) -> str:
    parts = name.split()
    length = min(len(parts), rng.choice([1, 2, 2, 3]))
    return " ".join(parts[:length])


def _exact(rng: random.Random, name: str) -> BenchQuery:
    return BenchQuery("exact", SearchQuery(text=_phrase(rng, name).lower()))


def _no_diacritics(rng: random.Random, name: str) -> BenchQuery:
    return BenchQuery("no_diacritics", SearchQuery(text=fold_text(_phrase(rng, name))))


def _typo(rng: random.Random, name: str) -> BenchQuery:
    words = fold_text(_phrase(rng, name)).split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 4 and rng.random() < 0.5:
        i = rng.randrange(1, len(word) - 1)
        word = word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped letters
    else:
        word = word + word[-1]  # an extra letter
    words[longest] = word
    return BenchQuery("typo", SearchQuery(text=" ".join(words)))


PREFIXES = ["b", "c", "m", "n", "g", "t", "ch", "ng", "nư", "mậ", "gạ", "bư", "th", "kh", "qu"]


def _prefix(rng: random.Random, name: str) -> BenchQuery:
    return BenchQuery("prefix", SearchQuery(text=rng.choice(PREFIXES)))


def _filtered(rng: random.Random, name: str) -> BenchQuery:
    text = fold_text(name.split()[0])
    choice = rng.random()
    if choice < 0.4:
        query = SearchQuery(text=text, province_codes=(rng.choice(["37", "38"]),))
    elif choice < 0.7:
        query = SearchQuery(text=text, min_stars=4, sort="price_asc")
    else:
        query = SearchQuery(text=text, price_min=50_000, price_max=200_000, ocop_groups=(1,))
    return BenchQuery("filtered", query)
