"""The words behind policy search: normalisation, segmentation, anchors and regions.

Questions and documents go through the same ``Analyzer``: typos (低包, 特因), Chongqing
words (啷个, 莫得, 屋头) and legal wording (最低生活保障) are rewritten to one form, jieba
segments the text (the bot's user dictionary plus ``POLICY_WORDS``), stopwords go and
synonyms are mapped. The lists are general vocabulary of the domain and of Chongqing
speech; they are not tuned to particular test questions.
"""

from __future__ import annotations

import re
from pathlib import Path

USER_DICT = Path(__file__).resolve().parent.parent / "bot" / "jieba" / "userdict.txt"

# Policy words jieba should keep whole (besides bot/jieba/userdict.txt).
POLICY_WORDS = (
    "低保标准", "低保金", "低保证", "渐退期", "刚性支出", "单人户", "告知承诺制", "民主评议", "信息核对",
    "经济状况", "邻里访问", "信函索证", "残疾人证", "精神残疾", "智力残疾", "肢体残疾", "视力残疾",
    "无劳动能力", "劳动能力", "无生活来源", "生活来源", "生活自理", "自理能力", "集中供养", "分散供养",
    "公租房", "廉租房", "危房改造", "行政复议", "行政诉讼", "赡养费", "抚养费", "扶养费", "就业成本",
    "基础养老金", "抚恤金", "奖学金", "急难型", "支出型", "救助站", "流浪乞讨", "敬老院", "养老院",
    "审核确认", "初审", "公示期", "委托书", "近亲属", "宗教教职人员", "现役军人", "服刑",
    "戒毒所", "事实无人抚养", "孤儿", "高龄津贴", "护理", "丧葬", "代步车", "二手车", "面包车",
    "自然灾害", "受灾", "急救", "疾病应急救助", "医疗救助", "教育救助", "住房救助", "就业救助",
    "公益性岗位", "零就业", "人户分离", "居住证", "易地搬迁", "社会工作者", "慈善组织", "生活困难",
)

# Text rewrites applied to questions and documents alike, longest first.
REWRITES = (
    ("最低生活保障", "低保"), ("低包", "低保"), ("底保", "低保"), ("低宝", "低保"), ("特因", "特困"),
    ("特捆", "特困"), ("临时求助", "临时救助"), ("低保边缘户", "低保边缘家庭"),
    ("低边户", "低保边缘家庭"), ("五保户", "五保"),
    # Chongqing and colloquial words
    ("啷个", "怎么"), ("咋个", "怎么"), ("咋样", "怎么样"), ("咋办", "怎么办"), ("咋", "怎么"), ("啥子", "什么"),
    ("莫得", "没有"), ("没得", "没有"), ("晓得", "知道"), ("屋里头", "家里"), ("屋头", "家里"),
    ("屋里", "家里"), ("老汉儿", "父亲"), ("娃儿", "孩子"), ("好多钱", "多少钱"), ("好多", "多少"),
    ("好久", "多久"), ("得行", "可以"), ("要得", "可以"),
)
# What the question asks for (where, how long, how much, difference): kept as terms.
INTENTS = (
    (re.compile(r"区别|不一样|不同|差别"), " 区别 "),
    (re.compile(r"(?:在|去|到)?(?:哪里|哪儿|哪点|哪个部门|什么部门|什么地方)|(?:在|去|到)哪(?![个些])"), " 哪里 "),
    (re.compile(r"多长时间|多少天|多少个工作日|几天|多久"), " 多久 "),
    (re.compile(r"多少钱|多少"), " 多少 "),
)
EDGE_RE = re.compile(r"(?<!低保)边缘户")

# Token synonyms applied after segmentation, on both sides.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("老人", "老年", "老头", "老头子", "老太婆", "老太太", "孤老", "孤寡老人"), "老年人"),
    **dict.fromkeys(("小孩", "娃", "小娃", "娃娃", "孩子们"), "孩子"),
    **dict.fromkeys(("儿子", "女儿", "儿女"), "子女"),
    **dict.fromkeys(("房子", "住房"), "房屋"),
    **dict.fromkeys(("车", "汽车", "小车", "轿车", "面包车", "摩托车", "摩托", "小汽车", "私家车", "机动车",
                     "机动车辆", "二手车"), "车辆"),
    **dict.fromkeys(("大病", "重大疾病", "重特大疾病", "癌症", "尿毒症", "白血病"), "重病"),
    **dict.fromkeys(("残疾人", "残障", "残疾"), "残疾"),
    **dict.fromkeys(("精神病", "精神病人", "精神疾病", "精神病患者"), "精神残疾"),
    **dict.fromkeys(("打工", "上班", "务工", "找工作"), "就业"),
    **dict.fromkeys(("积蓄", "银行存款"), "存款"),
    "廉租房": "公租房",
    **dict.fromkeys(("看病", "就医", "医药费", "医疗费"), "医疗"),
    **dict.fromkeys(("读书", "念书", "就学"), "上学"),
    **dict.fromkeys(("去世", "过世", "死了", "逝世"), "死亡"),
    **dict.fromkeys(("薪水", "薪金"), "工资"),
    **dict.fromkeys(("养老院", "福利院"), "敬老院"),
    **dict.fromkeys(("投诉", "检举"), "举报"),
    **dict.fromkeys(("起诉", "打官司"), "诉讼"),
    **dict.fromkeys(("特困人员", "特困户", "特困供养", "特困人员救助供养", "救助供养"), "特困"),
    **dict.fromkeys(("低保户", "低保对象", "低保家庭"), "低保"),
}

STOPWORDS = frozenset("""
的 了 吗 呢 吧 啊 呀 嘛 哦 哈 么 喃 噻 撒 嗯 哇 啦 咯 哟 诶 嘞 不 没 呢
我 我们 我家 你 您 你们 他 她 它 他们 她们 咱 咱们 自己 俺 人家 大家
是 有 在 和 跟 与 及 或 或者 就 都 也 还 又 再 要 会 能 能够 可以 可不可以 能不能 可能 想 想要
请问 请 问 一下 一个 个 这 那 这个 那个 这些 那些 这样 那样 什么 怎么 怎么样 怎样 如何 为什么
为啥 啥 哪 哪儿 哪个 现在 已经 应该 需要 得 着 过 地 把 被 让 给 对 从 向 到 为 以 之
等 及其 其 该 所 而 但 但是 如果 因为 所以 那么 然后 里 里头 上 下 中 后 前 时 时候 些 点 一点
还是 还有 就是 以及 并 并且 按 按照 由 于 对于 关于 其他 其中 相关 有关 规定 应当 可 办 搞 弄
知道 告诉 说 看 看看 行 行不行 好 多 很 太 最 更 一直 如何 是否 是不是 有没有 一些 怎么办
不能 不会 不算 不管 不可 可不 不是 没有 才能 才 能办 有点 一点 吃 算 来 去 找 家 家里 我家 人 事 情况
能否 会不会 算不算 管不管 要不要 有没 这种 那种 怎么回事 意思 一样 已 正常 处理
""".split())

# Words that make a question unmistakably about social assistance; without one, a hit needs
# the higher confidence threshold.
ANCHORS = frozenset("""
低保 特困 五保 救助 临时救助 医疗救助 教育救助 住房救助 就业救助 社会救助 低保边缘家庭 低保边缘 刚性支出
供养 低保金 低保标准 低保证 困难户 生活困难 帮扶 兜底 公示 入户调查 经济状况 核对 授权书 审核确认 渐退期
救助站 流浪乞讨 低收入 单人户 收入 家庭收入 财产 家庭财产 家庭成员 劳动能力 无劳动能力 生活来源 无生活来源
赡养费 抚养费
""".split())

# The kinds of assistance: a hit that does not mention the kind a question names ranks lower.
PROGRAMS = frozenset(("低保", "特困", "临时救助", "低保边缘家庭", "刚性支出", "五保", "医疗救助", "教育救助",
                      "住房救助", "就业救助"))

PUNCT_RE = re.compile(r"^[\W_]+$", re.UNICODE)
CJK_RE = re.compile(r"[\u4e00-\u9fff]+")

# Places outside Chongqing: a question about their policies or amounts is not ours.
OTHER_REGIONS = tuple("""
北京 上海 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东
广西 海南 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门 成都 广州 深圳 杭州 南京 武汉
西安 长沙 郑州 昆明 贵阳 南宁 合肥 福州 厦门 南昌 济南 青岛 石家庄 太原 沈阳 大连 长春 哈尔滨
呼和浩特 兰州 西宁 银川 乌鲁木齐 拉萨 海口 苏州 宁波 无锡 东莞 佛山 泸州 达州 南充 绵阳 宜宾 遵义
""".split())
HOME_WORDS = ("重庆", "本地", "这里", "这边", "本市")
HUKOU_RE = r"(户口|户籍|籍贯|老家)"
PERSON_PLACE_RE = r"(打工|上班|工作|务工|读书|上学|上大学|当兵|住院|出差|生活|住)"


class Analyzer:
    """Normalises and segments text into index terms."""

    def __init__(self, *, search_mode: bool = True, hmm: bool = True) -> None:
        import jieba  # imported here: loading jieba's dictionary is part of the lazy build

        self._jieba = jieba.Tokenizer()
        if USER_DICT.is_file():
            self._jieba.load_userdict(str(USER_DICT))
        for word in POLICY_WORDS:
            self._jieba.add_word(word, freq=2000)
        self.search_mode = search_mode
        self.hmm = hmm
        self._cache: dict[str, list[str]] = {}

    @staticmethod
    def normalize(text: str) -> str:
        text = text.strip().lower()
        for old, new in REWRITES:
            text = text.replace(old, new)
        text = EDGE_RE.sub("低保边缘家庭", text)
        for pattern, marker in INTENTS:
            text = pattern.sub(marker, text)
        return text

    def terms(self, text: str) -> list[str]:
        """Index terms of ``text``: normalised jieba words without stopwords, synonyms mapped."""
        cached = self._cache.get(text)
        if cached is not None:
            return list(cached)
        normal = self.normalize(text)
        if self.search_mode:
            cut = self._jieba.cut_for_search(normal, HMM=self.hmm)
        else:
            cut = self._jieba.cut(normal, HMM=self.hmm)
        words = []
        for word in cut:
            word = word.strip()
            if not word or PUNCT_RE.match(word):
                continue
            word = SYNONYMS.get(word, word)
            if word not in STOPWORDS:
                words.append(word)
        if len(self._cache) < 5000:
            self._cache[text] = words
        return words

    def bigrams(self, text: str) -> list[str]:
        """Character bigrams of the normalised text's Chinese runs."""
        runs = CJK_RE.findall(self.normalize(text))
        return [run[i:i + 2] for run in runs for i in range(len(run) - 1)]


def is_other_region(question: str) -> bool:
    """True when the question is about a place outside Chongqing rather than a person there.

    "儿子在广东打工" names where someone is; "我户口在四川，在重庆住了十年" relates the
    person to Chongqing. Every other mention (上海的低保标准, 成都低保怎么申请) is taken
    as asking about that place's policy.
    """
    mentions = [r for r in OTHER_REGIONS if r in question]
    if not mentions:
        return False
    home = any(word in question for word in HOME_WORDS) or _mentions_district(question)
    for region in mentions:
        person = re.search(rf"[在去到]{region}\w{{0,3}}?{PERSON_PLACE_RE}", question)
        hukou = re.search(rf"({HUKOU_RE}\w{{0,2}}{region}|{region}\w{{0,2}}{HUKOU_RE}|{region}人)", question)
        if person or (hukou and home):
            continue
        return True
    return False


def _mentions_district(question: str) -> bool:
    from actions.reference import DISTRICT_ALIASES, DISTRICTS

    return any(name in question for name in (*DISTRICTS, *DISTRICT_ALIASES))




def is_anchored(terms: list[str]) -> bool:
    """True when one of the terms shows that the question is about social assistance."""
    return any(term in ANCHORS for term in terms)
