"""Synthetic but realistic assistance graphs, as graphkit.model records, deterministic by seed.

The shape follows the real programmes: richer eastern provinces pair their prefectures with
western ones (东西部协作, 对口支援); agencies, companies, schools and hospitals of the helping side
donate to townships, villages, schools and agencies of the helped side, mostly along those pairings;
cadres are seconded as 驻村第一书记 or 挂职副县长. The records go through the real rdf_mapping.py, so the
benchmark measures the graph graphkit actually builds.

The core of the seed dataset is always present (四川省 › 成都市 › 彭州市, 阿坝州 › 黑水县 › 知木林镇,
彭州市综合执法局), so the named queries' example parameters find a realistic share of the graph.

    python -m benchmarks.generate --triples 100000 --seed 7     # prints the counts
    python -m benchmarks.generate --triples 1000000 --write /tmp/data-1m   # a data/ folder to build
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from graphkit.model import Amount, Dataset, Entity, Event, Source, Span

EAST = ["浙江省", "广东省", "江苏省", "上海市", "北京市", "福建省", "山东省", "天津市", "辽宁省"]
WEST = ["四川省", "贵州省", "云南省", "甘肃省", "宁夏回族自治区", "青海省", "西藏自治区", "新疆维吾尔自治区",
        "广西壮族自治区", "重庆市", "陕西省", "内蒙古自治区"]
SYLLABLES = list("安宁平康乐和兴华阳山河江川云龙凤金石桥湖溪岭林泉城东西南北青白红绿德福顺永昌泰丰源清新长")
PREFECTURE_SUFFIX = ["市", "市", "市", "州"]
COUNTY_SUFFIX = ["县", "县", "县", "区", "市"]
BUREAUS = ["教育局", "卫生健康局", "农业农村局", "乡村振兴局", "人力资源和社会保障局", "民政局", "财政局",
           "综合执法局", "住房和城乡建设局", "文化广电旅游体育局", "商务局", "总工会", "团委", "妇联"]
SOCIAL = ["红十字会", "慈善总会", "青年企业家协会", "工商业联合会", "爱心志愿者协会"]
INDUSTRY = ["建设", "能源", "电力", "医药", "食品", "物流", "科技", "农业", "旅游", "通信", "矿业", "茶业"]
COMPANY_SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国庆斌宇浩凯鹏飞云海峰波")
ROLES = ["驻村第一书记", "挂职副县长", "支教教师", "援派医生", "驻村工作队员", "挂职副镇长"]
ITEMS = ["课桌椅", "图书", "电脑", "医疗设备", "冬衣", "取暖器", "校服", "体育器材", "净水设备", "种苗"]
PURPOSES = ["助学", "产业发展", "医疗帮扶", "基础设施建设", "乡村振兴", "劳务协作", "消费帮扶", "困难群众慰问"]
PUBLISHERS = ["人民网", "新华网", "成都新闻网", "四川日报", "贵州日报", "广西日报", "浙江在线", "南方网", "中国青年网"]
PAIRING_MODES = ["东西部协作", "对口支援", "结对帮扶", "定点帮扶", "结对共建", "学科联盟", "合作协议"]
DONATION_MODES = ["东西部协作", "对口支援", "对口帮扶", "定点帮扶", "结对帮扶", None, None]
ROUND_AMOUNTS = [2000, 5000, 10000, 20000, 30000, 50000, 80000, 100000, 150000, 200000, 300000, 500000,
                 1000000, 2000000]

# Measured: triples per source (its events included) and per entity, to size a graph.
TRIPLES_PER_SOURCE = 165
ENTITIES_PER_SOURCE = 5


@dataclass
class Side:
    """The entities of one side (east or west) of the programme, by kind, for drawing parties."""

    prefectures: list[str] = field(default_factory=list)
    counties: list[str] = field(default_factory=list)
    townships: list[str] = field(default_factory=list)
    villages: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    schools: list[str] = field(default_factory=list)
    hospitals: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


class Generator:
    """Builds one dataset; all randomness comes from one seeded random.Random."""

    def __init__(self, sources: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n_sources = sources
        self.entities: dict[str, Entity] = {}
        self.east, self.west = Side(), Side()
        self.pairs: dict[str, list[str]] = {}

    # Entities ---------------------------------------------------------------------------------

    def add(self, entity: Entity) -> str:
        if entity.id not in self.entities:
            self.entities[entity.id] = entity
        return entity.id

    def place_name(self, suffixes: list[str], parent: str = "") -> str:
        """A place name with a suffix (平安县, 金川市); qualified by its parent when the name is taken,
        as the real data writes 黑水县知木林镇, so ids stay unique however large the graph."""
        for _ in range(20):
            name = "".join(self.rng.sample(SYLLABLES, 2)) + self.rng.choice(suffixes)
            if name not in self.entities:
                return name
            if parent and parent + name not in self.entities:
                return parent + name
        return f"{name}{len(self.entities)}"

    def region(self, name: str, level: str, parent: str | None, adcode: str | None = None) -> str:
        return self.add(Entity(name, "Region", name, level=level, part_of=parent, adcode=adcode))

    def unit(self, name: str, kind: str, region: str, side: list[str]) -> str:
        entity_id = self.add(Entity(name, kind, name, located_in=region))
        side.append(entity_id)
        return entity_id

    def build_regions(self) -> None:
        """Prefectures of three counties each, alternately east and west, sized to the graph."""
        east, west = [p for p in EAST], [p for p in WEST]
        for index, province in enumerate(EAST + WEST):
            self.region(province, "province", None, f"{(index + 11):02d}0000")
        for index in range(max(2, self.n_sources // 18)):
            side, provinces = (self.east, east) if index % 2 == 0 else (self.west, west)
            province = provinces[(index // 2) % len(provinces)]
            prefecture = self.region(self.place_name(PREFECTURE_SUFFIX), "prefecture", province)
            side.prefectures.append(prefecture)
            for _ in range(3):
                self.build_county(side, prefecture, self.place_name(COUNTY_SUFFIX))

    def build_county(self, side: Side, prefecture: str, name: str) -> str:
        county = self.region(name, "county", prefecture)
        side.counties.append(county)
        for bureau in self.rng.sample(BUREAUS, 5):
            self.unit(f"{county}{bureau}", "GovernmentAgency", county, side.agencies)
        self.unit(f"{county}人民医院", "Hospital", county, side.hospitals)
        self.unit(f"{county}{self.rng.choice(SOCIAL)}", "SocialOrganization", county, side.agencies)
        for _ in range(3):
            township = self.region(self.place_name(["镇", "乡"], county), "township", county)
            side.townships.append(township)
            self.unit(f"{township}中心校", "School", township, side.schools)
            self.unit(f"{township}人民政府", "GovernmentAgency", township, side.agencies)
            for _ in range(2):
                village = self.region(self.place_name(["村"], township), "village", township)
                side.villages.append(village)
        return county

    def build_core(self) -> None:
        """The seed dataset's core places and units, so example parameters match."""
        self.region("成都市", "prefecture", "四川省", "510100")
        self.add(Entity("彭州市", "Region", "彭州市", aliases=("彭州",), level="county", part_of="成都市"))
        self.region("阿坝藏族羌族自治州", "prefecture", "四川省", "513200")
        self.add(Entity("黑水县", "Region", "黑水县", aliases=("黑水",), level="county", part_of="阿坝藏族羌族自治州"))
        self.east.prefectures.append("成都市")
        self.west.prefectures.append("阿坝藏族羌族自治州")
        self.west.counties.append("黑水县")
        self.east.counties.append("彭州市")
        for bureau in ("综合执法局", "教育局", "卫生健康局"):
            self.unit(f"彭州市{bureau}", "GovernmentAgency", "彭州市", self.east.agencies)
        self.unit("彭州市红十字会", "SocialOrganization", "彭州市", self.east.agencies)
        township = self.region("知木林镇", "township", "黑水县")
        self.west.townships.append(township)
        self.unit("知木林镇中心校", "School", township, self.west.schools)
        self.unit("黑水县知木林镇人民政府", "GovernmentAgency", township, self.west.agencies)
        self.unit("黑水县人民医院", "Hospital", "黑水县", self.west.hospitals)

    def build_companies_and_people(self) -> None:
        for _ in range(max(10, self.n_sources // 4)):
            prefecture = self.rng.choice(self.east.prefectures)
            name = f"{prefecture[:-1]}{''.join(self.rng.sample(SYLLABLES, 2))}{self.rng.choice(INDUSTRY)}"
            name += self.rng.choice(COMPANY_SUFFIX)
            self.unit(name, "Company", prefecture, self.east.companies)
        for _ in range(max(10, self.n_sources // 2)):
            name = self.rng.choice(SURNAMES) + "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
            unit = self.rng.choice(self.east.agencies)
            person = name if name not in self.entities else f"{name}（{unit[:4]}）"
            if person in self.entities:
                continue
            self.add(Entity(person, "Person", name, role=self.rng.choice(ROLES), member_of=unit))
            self.east.people.append(person)

    def pair_prefectures(self) -> None:
        """Each eastern prefecture helps one or two western ones; 成都市 helps 阿坝州 (彭州市 helps 黑水县)."""
        for prefecture in self.east.prefectures:
            self.pairs[prefecture] = self.rng.sample(self.west.prefectures, self.rng.choice((1, 2)))
        self.pairs["成都市"] = ["阿坝藏族羌族自治州"]

    # Events -----------------------------------------------------------------------------------

    def inside(self, pool: list[str], prefecture: str) -> list[str]:
        return [e for e in pool if prefecture in self.ancestors(e)]

    def ancestors(self, entity_id: str) -> list[str]:
        chain, current = [], self.entities[entity_id]
        while (parent := current.part_of or current.located_in) is not None:
            chain.append(parent)
            current = self.entities[parent]
        return chain

    def sources(self) -> Iterator[Source]:
        by_prefecture = self._units_by_prefecture()
        for number in range(self.n_sources):
            helper_prefecture = self.rng.choice(self.east.prefectures)
            helped_prefecture = self.rng.choice(self.pairs[helper_prefecture])
            if number % 50 == 0:
                helper_prefecture, helped_prefecture = "成都市", "阿坝藏族羌族自治州"
            yield self.source(number, by_prefecture[helper_prefecture], by_prefecture[helped_prefecture])

    def _units_by_prefecture(self) -> dict[str, dict[str, list[str]]]:
        groups: dict[str, dict[str, list[str]]] = {}
        for side in (self.east, self.west):
            for kind in ("counties", "townships", "villages", "agencies", "schools", "hospitals", "companies",
                         "people"):
                for entity_id in getattr(side, kind):
                    member_of = self.entities[entity_id].member_of
                    chain = self.ancestors(member_of if kind == "people" and member_of else entity_id)
                    prefecture = next((a for a in chain if self.entities[a].level == "prefecture"), None)
                    if prefecture:
                        groups.setdefault(prefecture, {}).setdefault(kind, []).append(entity_id)
        return groups

    def source(self, number: int, helpers: dict[str, list[str]], helped: dict[str, list[str]]) -> Source:
        source_id = f"bench{number:06d}"
        year = self.rng.randint(2016, 2024)
        date = f"{year}-{self.rng.randint(1, 12):02d}-{self.rng.randint(1, 28):02d}"
        events = tuple(self.event(source_id, i, helpers, helped, year) for i in range(self.rng.randint(4, 12)))
        giver = self.rng.choice(helpers.get("counties") or ["东部"])
        taker = self.rng.choice(helped.get("counties") or ["西部"])
        title = f"{giver}携手{taker}"
        title += self.rng.choice(["深化东西部协作", "开展对口帮扶工作", "捐资助学暖人心", "选派干部驻村帮扶"])
        return Source(source_id, title=title, publisher=self.rng.choice(PUBLISHERS), date=date,
                      url=f"http://news.example.cn/{year}/{source_id}.html", script="simplified", events=events)

    def event(self, source_id: str, index: int, helpers: dict, helped: dict, year: int) -> Event:
        roll = self.rng.random()
        event_id = f"{source_id}/e{index}"
        span = Span(index * 200, index * 200 + self.rng.randint(40, 190))
        date = f"{year}-{self.rng.randint(1, 12):02d}" if self.rng.random() < 0.8 else None
        if roll < 0.6:
            return self.donation(event_id, source_id, helpers, helped, span, date)
        if roll < 0.8 or not helpers.get("people"):
            kinds = ("counties", "agencies", "hospitals", "schools")
            giver = self.pick(helpers, kinds)
            taker = self.pick(helped, ("counties", "villages", "agencies", "hospitals", "schools"))
            return Event(event_id, "pairing", source_id, (giver,), (taker,), mode=self.rng.choice(PAIRING_MODES),
                         span=span, date=date)
        person = self.rng.choice(helpers["people"])
        host = self.pick(helped, ("townships", "villages", "hospitals", "schools", "counties"))
        return Event(event_id, "secondment", source_id, (self.entities[person].member_of,), (host,), person=person,
                     role=self.entities[person].role, span=span, date=date)

    def donation(self, event_id: str, source_id: str, helpers: dict, helped: dict, span: Span,
                 date: str | None) -> Event:
        donors = tuple(sorted({self.pick(helpers, ("agencies", "companies", "hospitals", "schools"))
                        for _ in range(1 if self.rng.random() < 0.9 else 2)}))
        recipient = self.pick(helped, ("schools", "villages", "agencies", "townships", "hospitals"))
        amount = None
        if self.rng.random() < 0.85:
            value = Decimal(self.rng.choice(ROUND_AMOUNTS)) * Decimal(self.rng.choice((1, 1, 1, 2, 3, 5)))
            approximate = self.rng.random() < 0.15
            period = "month" if self.rng.random() < 0.03 else None
            text = f"{value / 10000:g}万元" if value >= 10000 else f"{value}元"
            amount = Amount(value, approximate=approximate, text=("约" + text) if approximate else text, period=period)
        items = self.rng.choice(ITEMS) if self.rng.random() < 0.3 else None
        return Event(event_id, "donation", source_id, donors, (recipient,), mode=self.rng.choice(DONATION_MODES),
                     amount=amount, items=items, purpose=self.rng.choice(PURPOSES) if self.rng.random() < 0.4 else None,
                     span=span, date=date, planned=self.rng.random() < 0.03,
                     brokers=(self.rng.choice(self.east.people),) if self.rng.random() < 0.05 else ())

    def pick(self, units: dict[str, list[str]], kinds: tuple[str, ...]) -> str:
        available = [kind for kind in kinds if units.get(kind)]
        return self.rng.choice(units[self.rng.choice(available)])

    def dataset(self) -> Dataset:
        self.build_regions()
        self.build_core()
        self.build_companies_and_people()
        self.pair_prefectures()
        sources = {source.id: source for source in self.sources()}
        return Dataset(self.entities, sources)


def generate(triples: int, seed: int = 0) -> Dataset:
    """A dataset whose graph has about `triples` triples (within ~10%), the same for the same seed."""
    sources = max(5, round(triples / (TRIPLES_PER_SOURCE + ENTITIES_PER_SOURCE * 8)))
    return Generator(sources, seed).dataset()


def write_data(dataset: Dataset, folder: Path) -> None:
    """The dataset as a real data/ folder (the register and one YAML file per source), as users keep
    theirs, so that benchmarks run the real `graphkit build` on it."""
    from graphkit.dataset import REGISTER, entities_to_yaml, source_to_yaml

    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / REGISTER).write_text(entities_to_yaml(dataset.entities.values()), encoding="utf-8")
    for source in dataset.sources.values():
        (folder / "sources" / f"{source.id}.yaml").write_text(source_to_yaml(source), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--write", type=Path, metavar="DIR", help="also write the dataset as a data/ folder")
    args = parser.parse_args()
    from graphkit.rdf_mapping import dataset_quads
    from graphkit.tallies import rollup_quads

    dataset = generate(args.triples, args.seed)
    data = sum(1 for _ in dataset_quads(dataset))
    rollups = sum(1 for _ in rollup_quads(dataset))
    events = sum(1 for _ in dataset.events())
    print(f"{len(dataset.entities)} entities, {len(dataset.sources)} sources, {events} events: "
          f"{data} data triples + {rollups} roll-up triples = {data + rollups}")
    if args.write:
        write_data(dataset, args.write)
        print(f"written to {args.write}")


if __name__ == "__main__":
    main()
