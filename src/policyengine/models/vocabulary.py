"""The paper's vocabulary: cooperation areas, its table's frameworks, and display names of values.

Pure data. The 12 areas are the rows of the paper's table, in its order; further areas may be
declared by a scenario's ``areas:`` section.
"""

from __future__ import annotations

#: (id, ja, en) of the table's rows, in the paper's order.
TABLE_AREAS: tuple[tuple[str, str, str], ...] = (
    ("maritime-security", "海洋安全保障", "Maritime security"),
    ("counter-terrorism", "テロ対策", "Counter-terrorism"),
    ("north-korea", "北朝鮮", "North Korea"),
    ("space-cyber", "宇宙・サイバー", "Space and cyber"),
    ("critical-emerging-tech", "重要・新興技術", "Critical and emerging technology"),
    ("non-proliferation", "不拡散", "Non-proliferation"),
    ("hadr", "人道支援・災害救援", "Humanitarian assistance and disaster relief"),
    ("capacity-building", "能力構築支援", "Capacity building"),
    ("covid-19", "コロナ対策", "COVID-19 response"),
    ("infrastructure", "インフラ支援", "Infrastructure support"),
    ("supply-chain", "サプライチェーン", "Supply chains"),
    ("climate-change", "気候変動", "Climate change"),
)

#: Further areas the paper discusses outside its table.
EXTRA_AREAS: tuple[tuple[str, str, str], ...] = (
    ("sea-lane-defense", "シーレーン防衛", "Sea-lane defence"),
    ("defense-equipment", "防衛装備品協力", "Defence equipment cooperation"),
    ("joint-training", "共同訓練", "Joint training"),
    ("maritime-domain-awareness", "海上の状況把握", "Maritime domain awareness"),
    ("anti-submarine-warfare", "対潜戦", "Anti-submarine warfare"),
    ("information-sharing", "情報共有", "Information sharing"),
    ("nuclear-submarines", "原子力潜水艦", "Nuclear-powered submarines"),
    ("vaccines", "ワクチン供与", "Vaccine supply"),
)

AREA_NAMES: dict[str, tuple[str, str]] = {a: (ja, en) for a, ja, en in TABLE_AREAS + EXTRA_AREAS}
TABLE_AREA_IDS: tuple[str, ...] = tuple(a for a, _, _ in TABLE_AREAS)

#: The paper's table columns, in its order: (id, ja, en).
TABLE_FRAMEWORKS: tuple[tuple[str, str, str], ...] = (
    ("jpn-usa-kor", "日米韓", "Japan-US-ROK"),
    ("jpn-usa-aus", "日米豪", "Japan-US-Australia"),
    ("quad", "日米豪印 (QUAD)", "Quad (Japan-US-Australia-India)"),
    ("jpn-aus-ind", "日豪印", "Japan-Australia-India"),
    ("aukus", "豪英米 (AUKUS)", "AUKUS (Australia-UK-US)"),
    ("aus-idn-ind", "豪尼印", "Australia-Indonesia-India"),
    ("aus-fra-ind", "豪仏印", "Australia-France-India"),
    ("idn-mys-phl", "尼馬比", "Indonesia-Malaysia-Philippines (TCA)"),
)
TABLE_FRAMEWORK_IDS: tuple[str, ...] = tuple(f for f, _, _ in TABLE_FRAMEWORKS)

#: Coverage levels and the table's symbols.
LEVEL_SYMBOLS = {"focus": "◎", "mentioned": "〇", None: "-"}

#: Display names of the kinds of a framework's mechanisms. Apart from VALUE_NAMES because
#: 'information-sharing' is also a kind of agreement there (an information-sharing agreement).
MECHANISM_KINDS: dict[str, tuple[str, str]] = {
    "summit": ("首脳会合", "summit"),
    "foreign-ministers": ("外相会合", "foreign ministers' meeting"),
    "defense-ministers": ("防衛相会談", "defence ministers' meeting"),
    "economic-ministers": ("経済閣僚会合", "economic ministers' meeting"),
    "two-plus-two": ("外務・防衛閣僚協議（2+2）", "foreign and defence ministers' talks (2+2)"),
    "senior-officials": ("高級事務レベル協議", "senior officials' meeting"),
    "director-general": ("局長級会談", "director-general talks"),
    "working-level": ("実務者協議", "working-level talks"),
    "strategic-dialogue": ("戦略対話", "strategic dialogue"),
    "joint-exercise": ("共同訓練", "joint exercise"),
    "joint-patrol": ("共同パトロール", "joint patrol"),
    "information-sharing": ("情報共有", "information sharing"),
}

#: Display names of enumerated values, for templates and reports: value -> (ja, en).
VALUE_NAMES: dict[str, tuple[str, str]] = {
    # mechanism kinds first, so that an agreement kind of the same name (information-sharing) wins
    **MECHANISM_KINDS,
    # agreement status
    "talks": ("協議中", "in talks"),
    "negotiating": ("交渉中", "under negotiation"),
    "signed": ("署名済み", "signed"),
    "in-force": ("発効済み", "in force"),
    # agreement kinds
    "raa": ("円滑化協定（RAA）", "Reciprocal Access Agreement (RAA)"),
    "acsa": ("物品役務相互提供協定（ACSA）", "Acquisition and Cross-Servicing Agreement (ACSA)"),
    "gsomia": (
        "軍事情報包括保護協定（GSOMIA）",
        "General Security of Military Information Agreement (GSOMIA)",
    ),
    "information-security": ("情報保護協定", "information security agreement"),
    "information-sharing": ("情報共有協定", "information-sharing agreement"),
    "technology-transfer": (
        "防衛装備品・技術移転協定",
        "defence equipment and technology transfer agreement",
    ),
    "joint-declaration": ("共同宣言", "joint declaration"),
    "security-treaty": ("安全保障条約", "security treaty"),
    # framework status and kinds
    "proposed": ("構想段階", "proposed"),
    "active": ("活動中", "active"),
    "suspended": ("停止中", "suspended"),
    "alliance": ("同盟", "alliance"),
    "minilateral": ("ミニラテラル", "minilateral"),
    "multilateral": ("多国間", "multilateral"),
    "bilateral": ("二国間", "bilateral"),
    # coverage
    "focus": ("特に力を入れている", "a recent focus"),
    "mentioned": ("共同声明等で言及", "mentioned in joint statements"),
    # countries
    "indo-pacific": ("インド太平洋域内", "Indo-Pacific"),
    "extra-regional": ("域外", "extra-regional"),
    "hub": ("ハブ（米国）", "hub (United States)"),
    "us-ally": ("米国の同盟国", "US ally"),
    "us-partner": ("米国のパートナー", "US partner"),
    "non-aligned": ("非同盟", "non-aligned"),
    "us-competitor": ("米国の競争相手", "US competitor"),
    "increasing": ("強化", "increasing"),
    "steady": ("横ばい", "steady"),
    "decreasing": ("縮小", "decreasing"),
    # capabilities
    "gap": ("不足", "a gap"),
    "needs-review": ("要見直し", "in need of review"),
    "adequate": ("充足", "adequate"),
    "improving": ("改善中", "improving"),
    # priorities
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
    # how often a framework's mechanisms meet
    "regular": ("定期的に開催", "meets regularly"),
    "irregular": ("不定期", "meets irregularly"),
    "dormant": ("停滞", "dormant"),
    # events
    "government-change": ("政権交代", "change of government"),
    "policy-statement": ("政策表明", "policy statement"),
    "framework-launch": ("枠組みの発足", "launch of a framework"),
    "ministerial-meeting": ("閣僚会合", "ministerial meeting"),
    "meeting-cancelled": ("会合の取り消し", "meeting cancelled"),
    "joint-statement": ("共同声明", "joint statement"),
    "agreement-signed": ("協定の署名", "agreement signed"),
    "agreement-in-force": ("協定の発効", "agreement entered into force"),
    "coverage-extended": ("対象の拡大", "coverage extended"),
    "exercise": ("演習", "exercise"),
    "deployment": ("展開", "deployment"),
    "crisis": ("危機", "crisis"),
}

#: Display names of the domains of a country's own posture (capabilities).
CAPABILITY_DOMAINS: dict[str, tuple[str, str]] = {
    "defense-budget": ("防衛費", "defence budget"),
    "defense-equipment": ("防衛装備品", "defence equipment"),
    "joint-operations": ("自衛隊の統合運用", "joint operations"),
    "security-legislation": ("安全保障法制", "security legislation"),
    "information-security": ("情報保全・管理", "information security"),
    "technology-security": ("技術保全・管理", "technology security"),
    "public-private-rnd": ("官民一体の研究開発", "public-private research and development"),
}


#: Common names of countries that are neither their code nor their name in the scenario files,
#: accepted where a user types a recommendation's target (``extend-asset-protection/UK``).
#: Only unambiguous ones: "Korea" could be either Korea, so it is not here.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "GBR": ("UK", "U.K.", "Britain", "Great Britain", "イギリス", "英"),
    "USA": ("US", "U.S.", "America", "United States of America", "アメリカ", "米"),
    "KOR": ("ROK", "South Korea", "大韓民国", "韓"),
    "JPN": ("日",),
    "PRK": ("DPRK", "North Korea"),
    "AUS": ("オーストラリア", "豪"),
    "IND": ("印",),
    "FRA": ("仏",),
    "DEU": ("独",),
    "IDN": ("尼",),
    "PHL": ("比",),
    "MYS": ("馬",),
    "EU": ("欧州連合",),
}
