"""Word lists the extractor's rules are made of: suffixes, trigger words, titles and stop words.

These are general Chinese news vocabulary, not names from any article. Each list says what it is for;
keeping them in one module lets the rules stay short and the vocabulary easy to extend.
"""

from __future__ import annotations


def words(text: str) -> list[str]:
    """Whitespace-separated words of a lexicon block (keeps the lists readable)."""
    return text.split()


# Organisation suffixes → entity type. Longest alternatives are tried first by the matcher.
ORG_SUFFIXES: dict[str, str] = {
    # government
    "人民政府": "GovernmentAgency", "政府": "GovernmentAgency", "管委会": "GovernmentAgency",
    "管理委员会": "GovernmentAgency", "人大常委会": "GovernmentAgency", "常委会": "GovernmentAgency",
    "政协": "GovernmentAgency", "局": "GovernmentAgency", "厅": "GovernmentAgency", "办公室": "GovernmentAgency",
    "办公厅": "GovernmentAgency", "扶贫办": "GovernmentAgency", "统战部": "GovernmentAgency",
    "宣传部": "GovernmentAgency", "组织部": "GovernmentAgency", "网信办": "GovernmentAgency",
    "发改委": "GovernmentAgency", "卫健委": "GovernmentAgency", "教委": "GovernmentAgency",
    "发行中心": "GovernmentAgency", "服务中心": "GovernmentAgency", "工委": "GovernmentAgency",
    "司法所": "GovernmentAgency", "派出所": "GovernmentAgency", "法院": "GovernmentAgency",
    "检察院": "GovernmentAgency", "领导小组": "GovernmentAgency", "教育部": "GovernmentAgency",
    "财政部": "GovernmentAgency", "民政部": "GovernmentAgency", "商务部": "GovernmentAgency",
    "农业农村部": "GovernmentAgency", "中央办公厅": "GovernmentAgency", "国务院": "GovernmentAgency",
    # party organisations
    "党委": "PartyOrganization", "党支部": "PartyOrganization", "党总支": "PartyOrganization",
    "市委会": "PartyOrganization", "省委会": "PartyOrganization", "区委会": "PartyOrganization",
    "基层委员会": "PartyOrganization", "专委会": "PartyOrganization", "委员会": "GovernmentAgency",
    "市委": "PartyOrganization", "县委": "PartyOrganization", "区委": "PartyOrganization",
    "省委": "PartyOrganization", "州委": "PartyOrganization",
    # companies
    "有限责任公司": "Company", "股份有限公司": "Company", "有限公司": "Company", "公司": "Company",
    "集团": "Company", "银行": "Company", "分行": "Company", "支行": "Company", "合作社": "Company",
    "厂": "Company",
    # schools and research
    "大学": "School", "学院": "School", "学校": "School", "小学": "School", "中学": "School",
    "幼儿园": "School", "中心校": "School", "完小": "School", "一中": "School", "二中": "School",
    "三中": "School", "研究院": "School", "研究所": "School", "科学院": "School", "党校": "School",
    "培训中心": "School", "职业技术学校": "School", "技校": "School",
    # hospitals
    "医院": "Hospital", "卫生院": "Hospital", "卫生室": "Hospital", "卫生服务中心": "Hospital",
    "妇幼保健院": "Hospital", "疾控中心": "Hospital", "诊所": "Hospital",
    # social organisations
    "协会": "SocialOrganization", "学会": "SocialOrganization", "商会": "SocialOrganization",
    "基金会": "SocialOrganization", "慈善会": "SocialOrganization", "慈善总会": "SocialOrganization",
    "慈善联合总会": "SocialOrganization", "红十字会": "SocialOrganization", "联合会": "SocialOrganization",
    "联谊会": "SocialOrganization", "促进会": "SocialOrganization", "研究会": "SocialOrganization",
    "律师事务所": "SocialOrganization", "事务所": "SocialOrganization", "新联会": "SocialOrganization",
    "工商联": "SocialOrganization", "敬老院": "SocialOrganization", "幸福院": "SocialOrganization",
    "福利院": "SocialOrganization", "养老院": "SocialOrganization", "志愿者协会": "SocialOrganization",
    "总会": "SocialOrganization", "妇联": "SocialOrganization", "残联": "SocialOrganization",
    "团委": "PartyOrganization", "助学基金": "SocialOrganization", "公益基金": "SocialOrganization",
    # work teams and delegations
    "工作队": "WorkTeam", "工作组": "WorkTeam", "专家组": "WorkTeam", "医疗队": "WorkTeam",
    "服务队": "WorkTeam", "代表团": "WorkTeam", "调研组": "WorkTeam", "考察团": "WorkTeam",
    "帮扶团": "WorkTeam", "专家团": "WorkTeam",
    "援疆干部人才": "WorkTeam", "援藏干部人才": "WorkTeam", "援疆干部": "WorkTeam", "援藏干部": "WorkTeam",
    "援滇干部": "WorkTeam", "援黔干部": "WorkTeam", "援青干部": "WorkTeam", "援桂干部": "WorkTeam",
    "指挥部": "WorkTeam", "小组": "WorkTeam", "队": "WorkTeam",
    # heads of units of any kind
    "机构": "SocialOrganization", "图书馆": "GovernmentAgency", "文化馆": "GovernmentAgency",
    "博物馆": "GovernmentAgency", "纪念馆": "GovernmentAgency", "侨联": "SocialOrganization",
    "科协": "SocialOrganization", "文联": "SocialOrganization", "工会": "SocialOrganization",
}

#: Heads that also end common nouns (医疗团队, 工作小组, 慈善机构): a name with one is a party only when it
#: holds a place (鹭川市第二中学支教队) or is long enough to hold a proper part (星河志愿服务队).
COMMON_NOUN_HEADS: frozenset[str] = frozenset(words("队 小组 机构"))

#: Titles that begin with a unit's head (政协委员, 县委书记): the unit there is part of a person's title.
COMPOUND_TITLES: tuple[str, ...] = tuple(
    f"{unit}{title}" for unit in words("党委 党组 市委 县委 区委 省委 州委") for title in words("书记 副书记 常委 委员")
) + tuple(words("政协委员 人大代表 党组成员"))

# Candidate names ending like this are common words, not organisations (新格局, 展厅).
ORG_REJECT_ENDINGS: tuple[str, ...] = tuple(
    words("""\
        格局 布局 全局 大局 结局 开局 当局 变局 僵局 棋局 展厅 大厅 餐厅 客厅 功能厅 门厅 营业厅 宴会厅 厂房 工厂""")
)

# Generic parties the press names instead of a specific organisation (爱心企业 捐赠 …).
GENERIC_PARTIES: dict[str, str] = {
    "爱心企业": "Company", "会员企业": "Company", "爱心单位": "SocialOrganization",
    "社会力量": "SocialOrganization",
    "社会公益组织": "SocialOrganization",
}

# Democratic parties and their short forms: their local committees are PartyOrganization.
DEMOCRATIC_PARTIES: tuple[str, ...] = (
    "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟", "九三",
)

#: One-character verbs that take a post at a unit (任 in 任某县人民政府副县长); 任 is also a surname, so it
#: is cut from a name's start only where a region's name follows it.
TAKES_A_POST_AT = frozenset("任")

# Words that end a name when scanning leftwards from a suffix (verbs, prepositions, conjunctions).
STOP_WORDS: frozenset[str] = frozenset(
    words("""\
        向 为 给 与 及 对 在 由 将 把 被 让 从 经 于 是 等 以 并 还 也 已 又 到 赴 至 或 该 各 了 的 之 即 其 使 据
        共 均
    代 替 请 受 随 凭 按 往 所 会同 联合 携手 组织 联系 对接 协调 带领 率领 率 邀请 指导 推动 引导 动员 捐赠
    捐款 捐资
    捐助 资助 援建 援助 支持 支援 帮扶 结对 挂职 挂任 派驻 选派 担任 任职 进修 前往 参观 走访 看望 慰问 召开 举行 签订
    签署 达成 启动 成立 设立 发起 倡议 出席 参加 表示 介绍 发挥 积极 主动 依托 围绕 实施 开展 深入 全面 助力 助推 推进
    落实 完成 实现 加强 建立 打造 提供 投入 创办 购买 采购 募集 筹募 考察 调研 来到 走进
    进入 访问 聘请 负责 承担 担负 获得 授予 表彰 被评为 成为 作为 属于 位于 来自 得到 感谢 致谢 欢迎 陪同 安排
    派遣
    派出 选派 组建 促成 倾斜 覆盖 惠及 帮助 关心 关注 接受 受捐 受邀 应邀 通过 利用 借助 结合 针对 根据 按照 围绕 今年
    去年 近日 日前 目前 此外 同时 另外 其中 以及 分别 先后 相继 纷纷 一起 一同 共同 连续 持续 继续 还将 将会 并且 而且
    以来 期间 之后 之前 以后 以前 当天 次日 随后 会上 会议 仪式 现场 活动中 活动 上午 下午 晚上 傍晚 上旬 中旬 下旬
    年底
    年初 月底 获评 当选 发布 宣布 讲话 致辞 说 称 指出 强调 希望 要求 认为 一行 及其 以上 若干 全体 部分 多家 多个
    一批
    全国 全省 全市 全县 全区 全镇 全乡 各级 各界 社会各界 两地 双方 地方 当地 本地 县内 市内 省内 省外 区内 中共中央
    认为 以为 作为 成为 因为 行为 代表 捐 赠 送 单位 发现 解决 成功 立项 向着 面向 对于 关于 入读 就读 聚焦
    瞄准 牵头 参与 深化 扎实 认真 大力 全力 着力 不断 进一步 切实""")
)

# Coordinating words: they end a name only when what precedes them ends an entity (X和Y, X与Y).
CONJUNCTIONS: frozenset[str] = frozenset(words("和 同 跟 及 与 、"))

# Titles before (队员刘兴东) or after (董少良院长) a person's name.
TITLES: tuple[str, ...] = tuple(
    sorted(
        words("""\
            队员 队长 副队长 组长 副组长 会长 副会长 校长 副校长 院长 副院长 书记 副书记 第一书记 主任 副主任 主席
            副主席 县长
        副县长 市长 副市长 区长 副区长 镇长 副镇长 乡长 副乡长 局长 副局长 处长 副处长 部长 副部长 秘书长 主委 副主委
        专职副主委 理事长 副理事长 董事长 总经理 副总经理 经理 教授 副教授 医生 医师 专家 老师 教师 博士生 研究生
        爱心人士
        挂职干部 干部 村民 群众 学生 大学生 贫困户 创始人 负责人 政务专家 总裁 副总裁 常委 党组成员 成员 代县长 代市长
        厅长 副厅长 巡视员 副巡视员 调研员 站长 所长 科长 支书 村支书 主任医师 护士长 工程师 企业家 志愿者 副秘书长
        副总经理 高级政务专家 委员"""),
        key=len,
        reverse=True,
    )
)

# Common Chinese surnames (single and compound); a person name starts with one of these.
SURNAMES: frozenset[str] = frozenset(
    words("""\
        王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 田 董 袁
        潘 于
    蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹
    薛 闫 段
    雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 汤 常 温 康 施 文 牛 樊 葛 邢 安 齐 易 乔 伍 庞
    颜 倪 庄
    聂 章 鲁 岳 翟 殷 詹 申 欧 耿 关 兰 焦 俞 左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 单 季 裴 霍 涂 成 苗
    谷 盛 曲 翁
    冉 骆 蓝 路 游 辛 靳 管 柴 蒙 鲍 华 喻 祁 蒲 房 滕 屈 饶 解 牟 艾 尤 阳 时 穆 农 司 卓 古 吉 缪 简 车 项 连 芦
    麦 褚 娄
    窦 戚 岑 景 党 宫 费 卜 冷 晏 席 卫 米 柏 宗 瞿 桂 全 佟 应 臧 闵 苟 邬 边 卞 姬 师 和 仇 栾 隋 商 刁 沙 荣 巫
    寇 桑 郎
    甄 丛 仲 虞 敖 巩 明 佘 池 查 麻 苑 迟 邝 官 封 谈 匡 鞠 惠 荆 乐 冀 郁 胥 南 班 储 原 栗 燕 楚 鄢 劳 谌 奚 皮
    粟 冼
    蔺 楼 盘 满 闻 厉 伊 仝 郜 海 阚 花 权 强 帅 屠 豆 朴 盖 练 廉 禹 井 祖 漆 巴 丰 支 卿 狄 平 计 索 宣 晋 相 初
    门 云 容 敬 来 扈 晁 芮 都 普 阙 浦 戈 伏 鹿 薄 邸 雍 辜 羊 阿 乌 母 裘 亓 修 邰 赫 杭 况 那 宿 鲜 印 逯 隆 茹
    诸 战
    慕 危 玉 银 亢 嵇 公 哈 湛 宾 戎 勾 茅 利 於 呼 居 揭 干 但 尉 冶 斯 元 束 檀 衣 信 展 阴 昝 智 幸 奉 植 衡 富
    尧 闭 由
    欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯""")
)

# Characters that cannot end a person's name: they start the next word (在, 带领, 说 …).
NAME_BREAKERS: frozenset[str] = frozenset(
    "在和与及同等的了是为向给对将把被从到赴来去说也还就都又已曾率带随一应出表介讲致代现前后以于并捐送均共各每则即便因所之"
    "年时称指认告要希望们两名位"
)


# Assistance modes (pairing relation) — the Chinese term is kept as `mode`.
PAIRING_MODES: tuple[str, ...] = tuple(
    sorted(
        words("""\
            对口支援 对口帮扶 对口援助 对口协作 东西部协作 东西部扶贫协作 东西扶贫协作 扶贫协作 定点帮扶 定点扶贫
            结对帮扶 结对共建
        结对 共建 学科联盟 接续帮扶 组团帮扶 对接帮扶 托底性帮扶 挂钩帮扶 对口援疆 对口援藏 援疆 援藏
        点对点精准帮扶 精准帮扶
        帮扶协作 对口帮扶协作 扶贫协作 协作帮扶 结对子 帮扶"""),
        key=len,
        reverse=True,
    )
)

# Donation triggers.
DONATION_VERBS: tuple[str, ...] = tuple(
    sorted(
        words("""\
            捐赠 捐款 捐资 捐助 捐献 捐建 资助 援建 赠送 送去 送来 捐 支助 援助 支援 投入 提供 设立
            筹募 募集 给予 落实 出资 筹集 筹措"""),
        key=len,
        reverse=True,
    )
)

#: Goods delivered to a recipient, a regex (送达, 运抵 …): read by the delivery rule and the tagger.
DELIVERY = r"送达|运抵|发往|送往|运往|送进|交付给?|送到|送至"
#: A cadre of an assistance team (援藏干部, 援青工作队, 援疆指挥部), a regex: read by the rule that seconds
#: such a cadre to the post they hold, and by the tagger.
AID_CADRE = r"援[\u4e00-\u9fff]{1,2}(?:干部|工作队|指挥部)"

#: Help in kind, a regex: 帮助 R 修建/新建/建成/购置 … (a gift only with a count or a sum).
HELP_IN_KIND = r"帮助(?=[^,,。]{2,24}?(修建|新建|建成|购置))"

#: Verbs that name help in general (提供 a service, 投入 effort, 赴 a meeting) as often as a relation: the
#: tagger reads a sentence for them only when it states an amount of money (graphkit.extract.tagger).
GENERAL_HELP_VERBS: frozenset[str] = frozenset(words("赴 前往 投入 提供 落实 设立 给予 共建 支援 援助"))

# Secondment triggers.
SECONDMENT_VERBS: tuple[str, ...] = ("挂职", "挂任", "派驻", "选派", "支教", "进修", "驻村", "派出", "前往", "赴")



#: The administrative suffix a place name ends with, and the level it names (镇 → township). One table for
#: the rules that find townships and villages and for the places the tagger finds.
SUFFIX_LEVEL: dict[str, str] = {
    "省": "province", "自治区": "province", "市": "prefecture", "自治州": "prefecture", "州": "prefecture",
    "地区": "prefecture", "盟": "prefecture", "县": "county", "自治县": "county", "旗": "county", "区": "district",
    "镇": "township", "乡": "township", "街道": "township", "苏木": "township", "村": "village", "社区": "village",
    "嘎查": "village",
}

