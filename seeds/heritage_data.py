"""Four real relics of Ninh Bình and Thanh Hóa, described for this project.

The text keeps to facts that are well established (rank, place, who is worshipped, the
dynasty, UNESCO listings); where a detail was not certain it was left out rather than guessed.
Map points are approximate (to about a few hundred metres) and opening hours are not given.
Narrations (`narration`) were turned into audio once with espeak-ng: see media/heritage/.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SeedText:
    title: str
    plaque_line: str
    summary: str
    history: str = ""
    worshipped: str = ""
    architecture: str = ""
    narration: str = ""


@dataclass(frozen=True)
class SeedFestival:
    lunar_month: int
    lunar_day: int
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SeedSite:
    slug: str
    name: str
    kind: str
    ranking: str
    province_code: str
    commune_code: str
    address_line: str
    latitude: float
    longitude: float
    texts: dict[str, SeedText]
    festivals: tuple[SeedFestival, ...] = ()
    picture: str = "temple"  # how seeds.heritage_pictures draws it: temple | citadel


TRIEU_HOI = SeedSite(
    slug="dinh-trieu-hoi",
    name="Đình Triều Hội",
    kind="dinh",
    ranking="quoc_gia",
    province_code="37",
    commune_code="13531",  # xã Bình Giang; formerly xã Bồ Đề, huyện Bình Lục, tỉnh Hà Nam
    address_line="Thôn Triều Hội",
    latitude=20.523,
    longitude=106.052,
    texts={
        "vi": SeedText(
            title="Đình Triều Hội",
            plaque_line=(
                "Di tích lịch sử cấp quốc gia, thờ Cao Mang tôn thần và tiến sĩ Trần Xuân Vinh."
            ),
            summary=(
                "Đình Triều Hội là di tích lịch sử cấp quốc gia ở thôn Triều Hội, nằm bên đê "
                "sông Châu. Trước đây thôn thuộc xã Bồ Đề, huyện Bình Lục, tỉnh Hà Nam; từ ngày "
                "1 tháng 7 năm 2025 thuộc xã Bình Giang, tỉnh Ninh Bình."
            ),
            history=(
                "Đình là nơi sinh hoạt chung và thờ phụng của làng Triều Hội qua nhiều thế hệ.\n\n"
                "Năm 1930, sân đình là nơi nông dân trong vùng tập hợp biểu tình, một sự kiện "
                "được ghi nhận trong lịch sử đấu tranh của địa phương."
            ),
            worshipped=(
                "Đình thờ Cao Mang tôn thần, một vị tướng thời Trần dưới quyền Hưng Đạo Đại "
                "Vương trong các cuộc kháng chiến chống quân Mông – Nguyên.\n\n"
                "Đình cũng thờ tiến sĩ Trần Xuân Vinh, người đỗ đạt dưới triều vua Lê Thánh Tông."
            ),
            architecture=(
                "Đình có bố cục kiểu chữ Tam: tiền tế năm gian, trung từ năm gian và hậu cung "
                "ba gian. Các mảng chạm khắc đề tài tứ linh (long, ly, quy, phượng) được thể "
                "hiện tinh xảo."
            ),
            narration=(
                "Chào mừng quý khách đến đình Triều Hội, di tích lịch sử cấp quốc gia ở xã Bình "
                "Giang, tỉnh Ninh Bình. Đình nằm bên đê sông Châu. Đình thờ Cao Mang tôn thần, "
                "một vị tướng thời Trần dưới quyền Hưng Đạo Đại Vương trong kháng chiến chống "
                "quân Mông Nguyên, và tiến sĩ Trần Xuân Vinh, người đỗ đạt dưới triều vua Lê "
                "Thánh Tông. Đình có bố cục chữ Tam, với tiền tế năm gian, trung từ năm gian, "
                "hậu cung ba gian, "
                "và những mảng chạm khắc tứ linh tinh xảo. Năm 1930, nơi đây từng diễn ra cuộc "
                "biểu tình của nông dân trong vùng. Xin cảm ơn quý khách."
            ),
        ),
        "en": SeedText(
            title="Triều Hội Communal House",
            plaque_line=(
                "National historic relic honouring general Cao Mang "
                "and doctor laureate Trần Xuân Vinh."
            ),
            summary=(
                "The communal house (đình) of Triều Hội village is a national historic relic "
                "standing beside the dyke of the Châu river. The village used to belong to Bồ Đề "
                "commune, Bình Lục district, Hà Nam province; since 1 July 2025 it is part of "
                "Bình Giang commune, Ninh Bình province."
            ),
            history=(
                "For generations the đình has been the village's meeting place and shrine.\n\n"
                "In 1930 local farmers gathered here for a demonstration, an event remembered in "
                "the history of the area's struggle."
            ),
            worshipped=(
                "It honours Cao Mang, a general of the Trần dynasty who served under Prince Hưng "
                "Đạo in the wars against the Mongol–Yuan invasions.\n\n"
                "It also honours Trần Xuân Vinh, a doctoral laureate under Emperor Lê Thánh Tông."
            ),
            architecture=(
                "The buildings follow the 'chữ Tam' plan (three parallel halls): a five-bay front "
                "hall, a five-bay middle hall and a three-bay sanctuary, with finely carved 'four "
                "sacred creatures' (dragon, unicorn, tortoise and phoenix)."
            ),
            narration=(
                "Welcome to the Trieu Hoi communal house, a national historic relic in Binh Giang "
                "commune, Ninh Binh province, beside the Chau river dyke. It honours general Cao "
                "Mang, who served Prince Hung Dao against the Mongol Yuan invasions in the "
                "thirteenth century, and Tran Xuan Vinh, a doctoral laureate under Emperor Le "
                "Thanh Tong. Its three halls are laid out in parallel and are decorated with fine "
                "carvings of the four sacred creatures. In 1930 local farmers gathered here for a "
                "demonstration. Thank you for visiting."
            ),
        ),
    },
)

DEN_TRAN = SeedSite(
    slug="den-tran-nam-dinh",
    name="Đền Trần (Nam Định)",
    kind="den",
    ranking="quoc_gia_dac_biet",
    province_code="37",
    commune_code="13669",  # phường Nam Định; formerly phường Lộc Vượng, thành phố Nam Định
    address_line="Khu di tích đền Trần – chùa Phổ Minh",
    latitude=20.441,
    longitude=106.181,
    texts={
        "vi": SeedText(
            title="Đền Trần (Nam Định)",
            plaque_line="Nơi thờ các vua Trần và Hưng Đạo Đại Vương Trần Quốc Tuấn.",
            summary=(
                "Khu đền Trần ở vùng đất Thiên Trường, quê hương của nhà Trần, thuộc thành phố "
                "Nam Định cũ, nay thuộc tỉnh Ninh Bình. Cùng với chùa Phổ Minh, đây là di tích "
                "quốc gia đặc biệt."
            ),
            history=(
                "Đền được dựng trên vùng đất hành cung Thiên Trường, nơi các Thái thượng hoàng "
                "nhà Trần từng lui về.\n\n"
                "Lễ khai ấn đền Trần diễn ra vào đêm 14 rạng sáng 15 tháng Giêng âm lịch và thu "
                "hút rất đông người dân, du khách."
            ),
            worshipped=(
                "Đền Thiên Trường thờ các vua Trần. Đền Cố Trạch thờ Hưng Đạo Đại Vương Trần "
                "Quốc Tuấn, người chỉ huy quân dân Đại Việt đánh thắng quân Mông – Nguyên."
            ),
            narration=(
                "Đây là khu đền Trần, trên vùng đất Thiên Trường, quê hương của nhà Trần. Đền "
                "Thiên Trường thờ các vua Trần, đền Cố Trạch thờ Hưng Đạo Đại Vương Trần Quốc "
                "Tuấn, người lãnh đạo quân dân Đại Việt đánh thắng quân Mông Nguyên. Cùng với "
                "chùa Phổ Minh, đây là di tích quốc gia đặc biệt. Hằng năm, lễ khai ấn diễn ra "
                "vào đêm 14 tháng Giêng âm lịch, và ngày giỗ Đức Thánh Trần vào ngày 20 tháng Tám "
                "âm lịch."
            ),
        ),
        "en": SeedText(
            title="Trần Temple (Nam Định)",
            plaque_line="Honouring the Trần emperors and Prince Hưng Đạo, Trần Quốc Tuấn.",
            summary=(
                "The Trần temple complex stands in Thiên Trường, the home region of the Trần "
                "dynasty, in the former city of Nam Định, now part of Ninh Bình province. "
                "Together with Phổ Minh pagoda it is a special national relic."
            ),
            history=(
                "The temples stand on the grounds of the Thiên Trường residence, where retired "
                "Trần emperors used to live.\n\n"
                "The seal-opening ceremony (khai ấn) is held on the night of the 14th to the 15th "
                "day of the first lunar month and draws very large crowds."
            ),
            worshipped=(
                "Thiên Trường temple honours the Trần emperors. Cố Trạch temple honours Prince "
                "Hưng Đạo, Trần Quốc Tuấn, who led Đại Việt to victory over the Mongol–Yuan "
                "invasions."
            ),
            narration=(
                "This is the Tran temple complex in Thien Truong, the home region of the Tran "
                "dynasty. Thien Truong temple honours the Tran emperors, and Co Trach temple "
                "honours Prince Hung Dao, Tran Quoc Tuan, who led the defeat of the Mongol Yuan "
                "invasions. Together with Pho Minh pagoda it is a special national relic. The "
                "seal opening ceremony is held on the night of the fourteenth day of the first "
                "lunar month."
            ),
        ),
    },
    festivals=(
        SeedFestival(
            1,
            14,
            {"vi": "Lễ khai ấn đền Trần", "en": "Seal-opening ceremony"},
            {
                "vi": "Diễn ra từ đêm 14 đến rạng sáng 15 tháng Giêng âm lịch.",
                "en": "From the night of the 14th to the early morning of the 15th.",
            },
        ),
        SeedFestival(
            8,
            20,
            {"vi": "Giỗ Đức Thánh Trần", "en": "Death anniversary of Prince Hưng Đạo"},
        ),
    ),
)

DEN_VUA_DINH = SeedSite(
    slug="den-vua-dinh-tien-hoang",
    name="Đền vua Đinh Tiên Hoàng",
    kind="den",
    ranking="quoc_gia_dac_biet",
    province_code="37",
    commune_code="14533",  # phường Tây Hoa Lư; formerly xã Trường Yên, huyện Hoa Lư
    address_line="Khu di tích Cố đô Hoa Lư",
    latitude=20.287,
    longitude=105.906,
    texts={
        "vi": SeedText(
            title="Đền vua Đinh Tiên Hoàng",
            plaque_line="Thờ vua Đinh Tiên Hoàng trong khu di tích Cố đô Hoa Lư.",
            summary=(
                "Đền thờ vua Đinh Tiên Hoàng nằm trong khu di tích Cố đô Hoa Lư, di tích quốc "
                "gia đặc biệt và là một phần của Quần thể danh thắng Tràng An, di sản thế giới "
                "được UNESCO ghi danh năm 2014."
            ),
            history=(
                "Đinh Bộ Lĩnh dẹp loạn mười hai sứ quân, lên ngôi hoàng đế năm 968, đặt tên "
                "nước là Đại Cồ Việt và đóng đô ở Hoa Lư.\n\n"
                "Hoa Lư là kinh đô dưới các triều Đinh, Tiền Lê và những năm đầu nhà Lý, cho đến "
                "khi vua Lý Thái Tổ dời đô ra Thăng Long năm 1010."
            ),
            worshipped="Đền thờ vua Đinh Tiên Hoàng, người sáng lập triều Đinh.",
            narration=(
                "Chào mừng quý khách đến đền vua Đinh Tiên Hoàng, trong khu di tích Cố đô Hoa Lư. "
                "Năm 968, Đinh Bộ Lĩnh dẹp loạn mười hai sứ quân, lên ngôi hoàng đế, đặt tên "
                "nước là Đại Cồ Việt và đóng đô ở Hoa Lư. Hoa Lư là kinh đô dưới các triều Đinh, "
                "Tiền Lê và đầu nhà Lý, cho đến năm 1010. Cố đô Hoa Lư là di tích quốc gia đặc "
                "biệt, thuộc Quần thể danh thắng Tràng An, di sản thế giới. Lễ hội Trường Yên "
                "được tổ chức vào tháng Ba âm lịch."
            ),
        ),
        "en": SeedText(
            title="Temple of King Đinh Tiên Hoàng",
            plaque_line="Honouring King Đinh Tiên Hoàng in the ancient capital of Hoa Lư.",
            summary=(
                "The temple of King Đinh Tiên Hoàng stands in the ancient capital of Hoa Lư, a "
                "special national relic and part of the Tràng An Landscape Complex, inscribed "
                "by UNESCO as World Heritage in 2014."
            ),
            history=(
                "Đinh Bộ Lĩnh ended the strife of the twelve warlords, became emperor in 968, "
                "named the country Đại Cồ Việt and made Hoa Lư its capital.\n\n"
                "Hoa Lư remained the capital under the Đinh, the Early Lê and the first years of "
                "the Lý dynasty, until Emperor Lý Thái Tổ moved the capital to Thăng Long in 1010."
            ),
            worshipped="The temple honours King Đinh Tiên Hoàng, founder of the Đinh dynasty.",
            narration=(
                "Welcome to the temple of King Dinh Tien Hoang in the ancient capital of Hoa Lu. "
                "In 968 Dinh Bo Linh ended the strife of the twelve warlords, became emperor, and "
                "made Hoa Lu the capital of Dai Co Viet. It stayed the capital until 1010, when "
                "the court moved to Thang Long, today's Hanoi. The ancient capital is a special "
                "national relic and part of the Trang An Landscape Complex, a World Heritage site."
            ),
        ),
    },
    festivals=(
        SeedFestival(
            3,
            10,
            {"vi": "Lễ hội Trường Yên", "en": "Trường Yên festival"},
            {
                "vi": "Lễ hội của Cố đô Hoa Lư, diễn ra nhiều ngày quanh mùng 10 tháng Ba.",
                "en": "The festival of the ancient capital, held over days around the 10th.",
            },
        ),
    ),
)

THANH_NHA_HO = SeedSite(
    slug="thanh-nha-ho",
    name="Thành nhà Hồ",
    kind="di_tich",
    ranking="quoc_gia_dac_biet",
    province_code="38",
    commune_code="15361",  # xã Tây Đô; formerly xã Vĩnh Tiến, huyện Vĩnh Lộc
    address_line="Khu di sản Thành nhà Hồ",
    latitude=20.077,
    longitude=105.605,
    picture="citadel",
    texts={
        "vi": SeedText(
            title="Thành nhà Hồ",
            plaque_line="Di sản văn hóa thế giới, được UNESCO ghi danh năm 2011.",
            summary=(
                "Thành nhà Hồ, còn gọi là thành Tây Đô, là di sản văn hóa thế giới được UNESCO "
                "ghi danh năm 2011 và là di tích quốc gia đặc biệt."
            ),
            history=(
                "Thành được Hồ Quý Ly cho xây dựng năm 1397, khi ông nắm quyền dưới triều Trần. "
                "Năm 1400, ông lập ra nhà Hồ và đóng đô tại đây.\n\n"
                "Nhà Hồ tồn tại đến năm 1407, khi quân Minh xâm lược."
            ),
            architecture=(
                "Tường thành được xếp bằng những khối đá vôi lớn đẽo vuông vức, ghép khít với "
                "nhau. Thành có bốn cổng theo bốn hướng; cổng Nam là cổng chính, có ba lối đi "
                "vòm cuốn."
            ),
            narration=(
                "Chào mừng quý khách đến Thành nhà Hồ, còn gọi là thành Tây Đô. Thành được Hồ "
                "Quý Ly cho xây dựng năm 1397. Năm 1400 ông lập ra nhà Hồ và đóng đô tại đây. "
                "Tường thành được xếp bằng những khối đá vôi lớn đẽo vuông vức, ghép khít với "
                "nhau. Thành có bốn cổng, cổng Nam là cổng chính với ba lối đi vòm cuốn. Năm "
                "2011, Thành nhà Hồ được UNESCO ghi danh là di sản văn hóa thế giới."
            ),
        ),
        "en": SeedText(
            title="Citadel of the Hồ Dynasty",
            plaque_line="World Cultural Heritage, inscribed by UNESCO in 2011.",
            summary=(
                "The Citadel of the Hồ Dynasty, also called Tây Đô (the Western Capital), is a "
                "World Cultural Heritage site inscribed by UNESCO in 2011 and a special national "
                "relic."
            ),
            history=(
                "Hồ Quý Ly had the citadel built in 1397, while he held power under the Trần "
                "dynasty. In 1400 he founded the Hồ dynasty and made it his capital.\n\n"
                "The Hồ dynasty lasted until 1407, when the Ming invaded."
            ),
            architecture=(
                "Its walls are built of large, squared limestone blocks fitted closely together. "
                "There is a gate on each of the four sides; the south gate is the main one, with "
                "three vaulted passages."
            ),
            narration=(
                "Welcome to the Citadel of the Ho Dynasty, also called Tay Do, the Western "
                "Capital. Ho Quy Ly had it built in 1397, and in 1400 he founded the Ho dynasty "
                "and made it his capital. Its walls are made of large squared limestone blocks "
                "fitted closely together. The south gate, with three vaulted passages, is the "
                "main one. In 2011 UNESCO inscribed the citadel as World Cultural Heritage."
            ),
        ),
    },
)

SITES = (TRIEU_HOI, DEN_TRAN, DEN_VUA_DINH, THANH_NHA_HO)
