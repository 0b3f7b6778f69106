"""Static tables of the benchmark generator: launch places, event types, seas, directions and how each agency
writes them. Spellings follow what the agencies publish (English, Korean, Japanese)."""

from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("JMOD", "JCS", "INDOPACOM", "KCNA", "JCG")

# how each agency's name is written in a report, with weights
SOURCE_NAMES: dict[str, tuple[tuple[str, float], ...]] = {
    "JMOD": (("JMOD", 4), ("Japan Ministry of Defense", 3), ("Japanese MoD", 1), ("防衛省", 2)),
    "JCS": (("JCS", 4), ("South Korea's Joint Chiefs of Staff", 3), ("합동참모본부", 2), ("ROK JCS", 1)),
    "INDOPACOM": (("INDOPACOM", 3), ("US INDOPACOM", 2), ("U.S. Indo-Pacific Command", 2)),
    "KCNA": (("KCNA", 5), ("Korean Central News Agency", 2), ("조선중앙통신", 1)),
    "JCG": (("JCG", 4), ("Japan Coast Guard", 3), ("海上保安庁", 1)),
}


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    en: tuple[str, ...]
    ko: tuple[str, ...]
    ja: tuple[str, ...]


SITES: dict[str, Site] = {s.id: s for s in (
    Site("sunan", ("Sunan area, Pyongyang", "Sunan, Pyongyang", "Sunan", "Pyongyang's Sunan area"),
         ("순안", "평양 순안 일대", "평양 순안"), ("順安", "平壌順安")),
    Site("sohae",
         ("Tongchang-ri", "Sohae Satellite Launching Station", "Sohae",
          "Tongchang-ri, North Pyongan Province"),
         ("동창리", "평안북도 동창리", "서해위성발사장"), ("東倉里", "西海衛星発射場")),
    Site("sinpo", ("Sinpo", "waters off Sinpo", "Sinpo, South Hamgyong Province"), ("신포", "신포 해상"),
         ("新浦",)),
    Site("hamhung", ("Hamhung", "Hamhung, South Hamgyong Province"), ("함흥", "함흥 일대"), ("咸興",)),
    Site("wonsan", ("Wonsan", "Wonsan, Kangwon Province", "Wonsan area"), ("원산", "원산 일대"), ("元山",)),
    Site("kusong", ("Kusong", "Kusong, North Pyongan Province"), ("평안북도 구성", "구성시 일대"), ("亀城",)),
    Site("jagang", ("Jagang Province", "inland Jagang Province", "Chagang Province"),
         ("자강도", "자강도 내륙"), ("慈江道",)),
    Site("kaechon", ("Kaechon", "Kaechon, South Pyongan Province"), ("개천시", "평안남도 개천"), ("价川",)),
    Site("sondok", ("Sondok", "Sondok Airfield"), ("선덕", "선덕비행장"), ("宣徳",)),
    Site("tongchon", ("Tongchon", "Tongchon County"), ("통천", "통천 일대"), ("通川",)),
    Site("hwangju", ("Hwangju", "Hwangju County"), ("황주", "황주 일대"), ("黄州",)),
    Site("mundok", ("Mundok", "Mundok County"), ("문덕", "문덕 일대"), ("文徳",)),
    Site("sukchon", ("Sukchon", "Sukchon County"), ("숙천", "숙천 일대"), ("粛川",)),
    Site("jangyon", ("Jangyon", "Jangyon County"), ("장연", "장연 일대"), ("長淵",)),
    Site("pyongsong", ("Pyongsong", "Pyongsong area"), ("평성", "평성 일대"), ("平城市",)),
)}


@dataclass(frozen=True, slots=True)
class Mode:
    """A flight profile: distance and apogee ranges in km (apogee None: not reported, as for cruise
    missiles)."""

    weight: float
    distance: tuple[float, float]
    apogee: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str  # the truth's event type
    weight: float
    family: str  # ballistic | cruise | slv
    sites: tuple[tuple[str, float], ...]
    landings: tuple[tuple[str, float], ...]  # east_sea | yellow_sea | pacific
    modes: tuple[Mode, ...]
    counts: tuple[float, float, float, float]  # weights of 1..4
    eez_inside: float  # chance of landing inside Japan's EEZ (east_sea, pacific)
    flight_min: tuple[float, float]  # flight time range, minutes


_ALL_LAND = (("sunan", 2), ("kaechon", 1), ("sukchon", 1), ("pyongsong", 1), ("hamhung", 1),
             ("wonsan", 1.5), ("sondok", 1), ("tongchon", 1), ("hwangju", 1), ("jangyon", 0.6),
             ("kusong", 0.6), ("mundok", 0.5), ("jagang", 0.4))

TYPES: tuple[TypeSpec, ...] = (
    TypeSpec("SRBM", 0.44, "ballistic", _ALL_LAND, (("east_sea", 0.88), ("yellow_sea", 0.12)),
             (Mode(1, (100, 800), (20, 120)),), (0.45, 0.35, 0.12, 0.08), 0.02, (4, 9)),
    TypeSpec("ballistic missile", 0.14, "ballistic", _ALL_LAND + (("sinpo", 0.5),),
             (("east_sea", 0.92), ("pacific", 0.08)), (Mode(1, (200, 1200), (40, 800)),),
             (0.75, 0.17, 0.05, 0.03), 0.08, (6, 20)),
    TypeSpec("IRBM", 0.06, "ballistic", (("jagang", 3), ("sunan", 1), ("kusong", 1), ("pyongsong", 1)),
             (("pacific", 0.5), ("east_sea", 0.5)),
             (Mode(0.5, (3000, 4600), (500, 1000)), Mode(0.5, (700, 1100), (1500, 2100))),
             (1, 0, 0, 0), 0.1, (20, 40)),
    TypeSpec("ICBM", 0.05, "ballistic", (("sunan", 3), ("pyongsong", 1), ("sukchon", 0.5)),
             (("east_sea", 1.0),),
             (Mode(1, (750, 1100), (4000, 6000)),), (1, 0, 0, 0), 0.25, (50, 75)),
    TypeSpec("SLBM", 0.04, "ballistic", (("sinpo", 5), ("sondok", 0.3)), (("east_sea", 1.0),),
             (Mode(0.6, (200, 600), (50, 120)), Mode(0.4, (400, 600), (700, 950))), (0.85, 0.15, 0, 0), 0.05,
             (5, 20)),
    TypeSpec("cruise missile", 0.13, "cruise",
             (("mundok", 1), ("kaechon", 1), ("jangyon", 1), ("tongchon", 1), ("hwangju", 0.5),
              ("wonsan", 0.5)),
             (("yellow_sea", 0.5), ("east_sea", 0.5)), (Mode(1, (200, 2000), None),), (0.3, 0.4, 0.2, 0.1),
             0.0, (20, 150)),
    TypeSpec("hypersonic missile", 0.11, "ballistic", (("jagang", 4), ("pyongsong", 1), ("sunan", 1)),
             (("east_sea", 1.0),), (Mode(1, (600, 1500), (50, 100)),), (1, 0, 0, 0), 0.03, (8, 15)),
    TypeSpec("satellite launch vehicle", 0.03, "slv", (("sohae", 1),),
             (("yellow_sea", 0.4), ("pacific", 0.6)),
             (Mode(1, (300, 2500), (300, 600)),), (1, 0, 0, 0), 0.0, (10, 20)),
)

# event type names by language; sources often write the family word ("ballistic missile") for a subtype
TYPE_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "SRBM": {"en": ("SRBM", "short-range ballistic missile", "short-range ballistic missiles"),
             "ko": ("단거리탄도미사일", "단거리 탄도미사일"), "ja": ("短距離弾道ミサイル",)},
    "IRBM": {"en": ("IRBM", "intermediate-range ballistic missile"), "ko": ("중거리탄도미사일",),
             "ja": ("中距離弾道ミサイル",)},
    "ICBM": {"en": ("ICBM", "intercontinental ballistic missile", "ICBM-class ballistic missile"),
             "ko": ("대륙간탄도미사일",), "ja": ("ICBM級弾道ミサイル", "大陸間弾道ミサイル")},
    "SLBM": {"en": ("SLBM", "submarine-launched ballistic missile"), "ko": ("잠수함발사탄도미사일",),
             "ja": ("潜水艦発射弾道ミサイル",)},
    "ballistic missile": {"en": ("ballistic missile", "unidentified ballistic missile", "ballistic missiles"),
                          "ko": ("탄도미사일", "미상 탄도미사일"), "ja": ("弾道ミサイル",)},
    "cruise missile": {"en": ("cruise missile", "cruise missiles", "strategic cruise missile",
                              "long-range cruise missile"), "ko": ("순항미사일", "전략순항미사일"),
                       "ja": ("巡航ミサイル",)},
    "hypersonic missile": {"en": ("hypersonic missile",), "ko": ("극초음속미사일",),
                           "ja": ("極超音速ミサイル",)},
    "satellite launch vehicle": {"en": ("satellite launch vehicle", "space launch vehicle",
                                        "satellite carrier rocket"),
                                 "ko": ("위성발사체", "우주발사체"), "ja": ("人工衛星打ち上げロケット",)},
}

# seas as each language writes them; EEZ qualifiers are added separately
SEA_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "east_sea": {"en": ("East Sea", "Sea of Japan", "East Sea (Sea of Japan)", "waters off the east coast"),
                 "ko": ("동해상", "동해"), "ja": ("日本海",),
                 "kcna": ("East Sea of Korea", "open waters of the East Sea")},
    "yellow_sea": {"en": ("Yellow Sea", "West Sea", "Yellow Sea (West Sea)"), "ko": ("서해상", "서해"),
                   "ja": ("黄海",), "kcna": ("West Sea of Korea",)},
    "pacific": {"en": ("Pacific Ocean", "the Pacific", "western Pacific"), "ko": ("태평양",),
                "ja": ("太平洋",), "kcna": ("Pacific Ocean",)},
}
JAPAN_SEA_EN = {"east_sea": "Sea of Japan", "pacific": "Pacific Ocean"}
EEZ_EN = {True: ("inside Japan's EEZ", "within Japan's exclusive economic zone"),
          False: ("outside Japan's EEZ", "outside Japan's exclusive economic zone")}
EEZ_JA = {True: ("の我が国の排他的経済水域（EEZ）内", "（我が国EEZ内）"),
          False: ("の我が国の排他的経済水域（EEZ）外", "（我が国EEZ外）")}

# sites near the west coast: the only ones that fire into the Yellow Sea
WEST_SITES = frozenset({"sunan", "sohae", "kusong", "kaechon", "hwangju", "mundok", "sukchon", "jangyon",
                        "pyongsong"})

# directions by landing area (8-point compass; satellite launches fly south), as each language writes them
DIRECTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "east_sea": (("east", 0.5), ("northeast", 0.35), ("southeast", 0.15)),
    "yellow_sea": (("west", 0.6), ("southwest", 0.2), ("northwest", 0.2)),
    "pacific": (("east", 0.7), ("southeast", 0.15), ("northeast", 0.15)),
}
DIRECTION_FORMS: dict[str, dict[str, tuple[str, ...]]] = {
    "east": {"en": ("east", "eastward", "to the east"), "ko": ("동쪽",), "ja": ("東方向", "東")},
    "northeast": {"en": ("northeast", "northeastward"), "ko": ("북동쪽",), "ja": ("北東方向", "北東")},
    "southeast": {"en": ("southeast", "southeastward"), "ko": ("남동쪽",), "ja": ("南東方向", "南東")},
    "west": {"en": ("west", "westward"), "ko": ("서쪽",), "ja": ("西方向",)},
    "southwest": {"en": ("southwest", "southwestward"), "ko": ("남서쪽",), "ja": ("南西",)},
    "northwest": {"en": ("northwest", "northwestward"), "ko": ("북서쪽",), "ja": ("北西",)},
    "south": {"en": ("south", "southward"), "ko": ("남쪽",), "ja": ("南方向",)},
}

COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}

# which sources cover an episode, and which fields each one tends to report
SOURCE_WEIGHT = {"JMOD": 0.9, "JCS": 0.9, "INDOPACOM": 0.4, "KCNA": 0.45, "JCG": 0.5}
FIELD_RATES: dict[str, dict[str, float]] = {
    "JMOD": {"event_type": 0.95, "count": 0.6, "distance": 0.8, "apogee": 0.75, "landing_area": 0.9,
             "launch_site": 0.15, "direction": 0.3, "flight_time": 0.3, "text": 0.5},
    "JCS": {"event_type": 0.95, "count": 0.6, "distance": 0.75, "apogee": 0.5, "landing_area": 0.7,
            "launch_site": 0.8, "direction": 0.5, "speed": 0.2, "text": 0.5},
    "INDOPACOM": {"event_type": 0.9, "count": 0.3, "distance": 0.35, "apogee": 0.2, "landing_area": 0.3,
                  "launch_site": 0.1, "text": 0.7},
    "KCNA": {"event_type": 1.0, "count": 0.4, "distance": 0.7, "apogee": 0.55, "landing_area": 0.5,
             "launch_site": 0.5, "text": 0.8},
    "JCG": {"event_type": 0.9, "count": 0.3, "distance": 0.1, "landing_area": 0.9, "text": 0.4},
}
# share of each source's strings written in Korean / Japanese rather than English
LANG_MIX: dict[str, tuple[tuple[str, float], ...]] = {
    "JMOD": (("en", 0.7), ("ja", 0.3)),
    "JCS": (("en", 0.65), ("ko", 0.35)),
    "INDOPACOM": (("en", 1.0),),
    "KCNA": (("en", 0.85), ("ko", 0.15)),
    "JCG": (("en", 0.6), ("ja", 0.4)),
}
