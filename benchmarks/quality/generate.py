"""Page rendering: sites, templates and the transformations a reprint goes through.

A *site* has one of six archetypes (news portal, Traditional-script mirror with pinyin
injection, essay content farm, PDF archive, blog, government portal), header and footer
templates whose variable slots (dates, view counts, names, member ids, URLs, ids, other
stories' titles) are filled differently on every page, and habits (script variant,
punctuation mapping, wrap width, layout). Every page draws its transformations
independently with its site's probabilities:

``traditional``  OpenCC ``s2t`` / ``s2tw`` / ``s2hk`` / ``s2twp`` (per site)
``pinyin``       tone-marked pinyin after every occurrence of a per-site character set: ``鄉(xiāng)``
``html``         HTML remnants (``</span>``, ``&nbsp;``, ``<br/>``…) at line ends and sentence ends
``width``        full-width digits and letters to ASCII (``１９９８`` → ``1998``)
``punct``        a per-site punctuation mapping (``，``→``,``, ``：``→``:``, ``“”``→``「」``…)
``wrap``         hard wraps every 26–40 characters (PDF sites add page furniture lines)
``resplit``      paragraphs merged, split at a sentence, or broken mid-sentence (columns)
``edits``        1–3 % character substitutions, insertions and deletions
``excerpt``      70–90 % of the story kept: leading or a contiguous window, by paragraph or sentence
``note``         an editor's note (a real sentence from an unused story) or a source line
``repeat``       a block of paragraphs, a stray sentence, or the whole body printed twice

:func:`render_page` returns the page text with a label per character (body, boilerplate,
noise) and a repeat flag per character: the ground truth is built with the text, never
recovered afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

__all__ = [
    "TRANSFORMS",
    "ARCHETYPES",
    "ARCHETYPE_WEIGHTS",
    "BODY",
    "BOILERPLATE",
    "NOISE",
    "Site",
    "Resources",
    "Page",
    "make_site",
    "make_sites",
    "render_page",
    "pinyin_table",
    "to_script",
    "change_width",
    "change_punct",
    "edit_chars",
    "hard_wrap",
    "sentences",
    "FURNITURE_PATTERNS",
    "SOURCE_LINE_PATTERNS",
    "NOISE_PATTERN",
]

TRANSFORMS: tuple[str, ...] = (
    "traditional",
    "pinyin",
    "html",
    "width",
    "punct",
    "wrap",
    "resplit",
    "edits",
    "excerpt",
    "note",
    "repeat",
)
ARCHETYPES: tuple[str, ...] = ("portal", "mirror", "farm", "pdf", "blog", "gov")

# Character labels of a rendered page.
BODY, BOILERPLATE, NOISE = 0, 1, 2

_CJK = re.compile(r"[\u3400-\u9fff]")


def sentences(text: str) -> list[str]:
    """Sentences with their final punctuation (and a closing quote) attached."""
    parts = re.findall(r".*?[。！？；]+[”』’]?|.+$", text)
    return [p for p in parts if p]


# --------------------------------------------------------------------------- pinyin table

# Tone-marked readings of the 900 most frequent characters of the source (generated once
# with pypinyin 0.55, most common reading): built in so the corpus needs no extra package
# and is identical everywhere.
_PINYIN_TABLE = """
的de 国guó 一yī 在zài 中zhōng 人rén 了le 和hé 是shì 有yǒu 年nián 大dà 不bù 为wèi 会huì 业yè 上shàng 地dì
发fā 出chū 作zuò 要yào 工gōng 行xíng 民mín 这zhè 经jīng 家jiā 新xīn 个gè 日rì 部bù 以yǐ 来lái 到dào 市shì
成chéng 生shēng 对duì 进jìn 全quán 我wǒ 们men 政zhèng 多duō 主zhǔ 时shí 他tā 产chǎn 本běn 展zhǎn 长zhǎng
实shí 者zhě 学xué 方fāng 建jiàn 开kāi 理lǐ 同tóng 动dòng 月yuè 高gāo 关guān 重zhòng 力lì 电diàn 现xiàn
于yú 公gōng 社shè 下xià 报bào 区qū 加jiā 分fēn 济jì 制zhì 自zì 化huà 定dìng 文wén 体tǐ 过guò 前qián 合hé
等děng 场chǎng 就jiù 天tiān 与yǔ 说shuō 面miàn 后hòu 记jì 机jī 事shì 法fǎ 员yuán 用yòng 能néng 美měi 得dé
资zī 华huá 也yě 外wài 十shí 务wù 之zhī 而ér 设shè 总zǒng 好hǎo 北běi 平píng 利lì 金jīn 农nóng 各gè 子zi
元yuán 小xiǎo 将jiāng 从cóng 企qǐ 明míng 万wàn 问wèn 提tí 当dāng 心xīn 两liǎng 其qí 表biǎo 种zhǒng 委wěi
党dǎng 品pǐn 可kě 里lǐ 度dù 强qiáng 改gǎi 着zhe 军jūn 代dài 起qǐ 内nèi 目mù 京jīng 通tōng 科kē 入rù 三sān
系xì 活huó 水shuǐ 第dì 位wèi 都dōu 导dǎo 次cì 题tí 特tè 道dào 所suǒ 世shì 向xiàng 去qù 省shěng 领lǐng
增zēng 还hái 已yǐ 基jī 海hǎi 使shǐ 管guǎn 最zuì 今jīn 名míng 术shù 统tǒng 立lì 南nán 结jié 并bìng 技jì
些xiē 正zhèng 应yīng 持chí 交jiāo 安ān 点diǎn 性xìng 西xī 东dōng 任rèn 共gòng 联lián 由yóu 解jiě 界jiè
组zǔ 教jiào 治zhì 保bǎo 院yuàn 司sī 队duì 决jué 意yì 程chéng 及jí 门mén 期qī 情qíng 调diào 取qǔ 达dá 村cūn
义yì 间jiān 量liàng 团tuán 张zhāng 此cǐ 局jú 如rú 干gàn 战zhàn 据jù 广guǎng 议yì 书shū 收shōu 革gé 府fǔ
因yīn 把bǎ 际jì 路lù 步bù 计jì 山shān 然rán 二èr 集jí 比bǐ 育yù 相xiāng 放fàng 江jiāng 志zhì 价jià 办bàn
先xiān 举jǔ 信xìn 亚yà 众zhòng 物wù 口kǒu 项xiàng 更gèng 克kè 近jìn 节jié 老lǎo 职zhí 话huà 风fēng 无wú
规guī 看kàn 指zhǐ 五wǔ 族zú 认rèn 但dàn 形xíng 拉lā 求qiú 困kùn 商shāng 手shǒu 论lùn 斯sī 难nán 精jīng
车chē 深shēn 格gé 质zhì 少shǎo 运yùn 研yán 原yuán 处chù 想xiǎng 台tái 条tiáo 受shòu 李lǐ 施shī 式shì
件jiàn 图tú 气qì 观guān 级jí 群qún 春chūn 数shù 又yòu 女nǚ 县xiàn 央yāng 传chuán 别bié 造zào 创chuàng
剧jù 四sì 果guǒ 给gěi 首shǒu 没méi 协xié 投tóu 支zhī 城chéng 推tuī 至zhì 乡xiāng 样yàng 片piàn 常cháng
回huí 神shén 变biàn 思sī 选xuǎn 只zhǐ 服fú 示shì 几jǐ 标biāo 争zhēng 整zhěng 证zhèng 视shì 贫pín 优yōu
接jiē 极jí 纪jì 查chá 流liú 那nà 专zhuān 反fǎn 续xù 尔ěr 被bèi 周zhōu 见jiàn 王wáng 百bǎi 做zuò 头tóu
单dān 营yíng 效xiào 势shì 德dé 融róng 参cān 构gòu 很hěn 马mǎ 究jiū 历lì 织zhī 积jī 副fù 林lín 住zhù 费fèi
亿yì 布bù 灾zāi 走zǒu 坚jiān 影yǐng 艺yì 感gǎn 户hù 房fáng 史shǐ 演yǎn 真zhēn 身shēn 席xí 益yì 再zài
线xiàn 每měi 该gāi 率lǜ 光guāng 助zhù 谈tán 己jǐ 必bì 严yán 望wàng 乐lè 根gēn 策cè 才cái 列liè 快kuài
赛sài 供gōng 清qīng 非fēi 批pī 完wán 转zhuǎn 色sè 许xǔ 或huò 带dài 罗luó 责zé 确què 州zhōu 河hé 知zhī
权quán 型xíng 打dǎ 具jù 伊yī 港gǎng 准zhǔn 银yín 它tā 引yǐn 识shí 八bā 需xū 英yīng 股gǔ 兴xīng 象xiàng
连lián 何hé 直zhí 防fáng 况kuàng 九jiǔ 医yī 值zhí 采cǎi 约yuē 花huā 讯xùn 始shǐ 送sòng 命mìng 案àn 巴bā
环huán 么me 游yóu 切qiè 易yì 范fàn 米mǐ 武wǔ 消xiāo 客kè 刘liú 划huà 致zhì 响xiǎng 青qīng 功gōng 球qiú
继jì 则zé 阿ā 款kuǎn 速sù 落luò 段duàn 仅jǐn 越yuè 爱ài 稳wěn 空kōng 境jìng 模mó 告gào 士shì 较jiào 备bèi
源yuán 石shí 往wǎng 获huò 富fù 双shuāng 厂chǎng 负fù 热rè 警jǐng 儿ér 钱qián 包bāo 洲zhōu 她tā 讲jiǎng
访fǎng 亲qīn 断duàn 你nǐ 满mǎn 评píng 香xiāng 素sù 护hù 维wéi 健jiàn 声shēng 初chū 照zhào 宣xuān 陈chén
息xī 希xī 泽zé 依yī 晚wǎn 千qiān 欧ōu 远yuǎn 排pái 类lèi 镇zhèn 未wèi 震zhèn 字zì 俄é 油yóu 友yǒu 低dī
版bǎn 红hóng 财cái 份fèn 便biàn 良liáng 贸mào 考kǎo 校xiào 均jūn 货huò 尼ní 层céng 失shī 师shī 销xiāo
检jiǎn 土tǔ 让ràng 须xū 存cún 监jiān 善shàn 抓zhuā 律lǜ 显xiǎn 居jū 核hé 突tū 届jiè 救jiù 波bō 边biān 复fù
足zú 占zhàn 装zhuāng 荣róng 验yàn 础chǔ 按àn 促cù 扶fú 斗dòu 夫fū 摄shè 容róng 习xí 紧jǐn 余yú 欢huān
养yǎng 普pǔ 培péi 献xiàn 岗gǎng 黄huáng 古gǔ 站zhàn 迎yíng 官guān 减jiǎn 铁tiě 注zhù 域yù 围wéi 即jí
白bái 器qì 随suí 兵bīng 汇huì 雪xuě 旅lǚ 飞fēi 太tài 限xiàn 票piào 努nǔ 闻wén 充chōng 奖jiǎng 执zhí 尽jǐn
劳láo 福fú 破pò 景jǐng 预yù 温wēn 食shí 云yún 六liù 愿yuàn 承chéng 察chá 岁suì 税shuì 阳yáng 措cuò 略lüè
临lín 态tài 却què 除chú 降jiàng 菜cài 危wēi 庆qìng 挥huī 配pèi 宁níng 喜xǐ 售shòu 念niàn 岸àn 且qiě
田tián 帮bāng 读dú 网wǎng 班bān 写xiě 龙lóng 险xiǎn 曾céng 离lí 币bì 终zhōng 音yīn 伟wěi 早zǎo 言yán
丰fēng 属shǔ 称chēng 歌gē 舞wǔ 虎hǔ 卫wèi 驻zhù 火huǒ 担dān 康kāng 额é 请qǐng 苦kǔ 升shēng 号hào 底dǐ
待dài 独dú 控kòng 购gòu 药yào 料liào 苏sū 像xiàng 七qī 邓dèng 顿dùn 竞jìng 病bìng 藏cáng 兰lán 令lìng
半bàn 眼yǎn 祖zǔ 派pài 湾wān 航háng 章zhāng 哈hā 算suàn 什shén 置zhì 超chāo 针zhēn 胜shèng 买mǎi 吃chī
训xùn 塔tǎ 印yìn 介jiè 互hù 树shù 扩kuò 阶jiē 星xīng 汉hàn 适shì 击jī 画huà 留liú 附fù 密mì 刚gāng 仍réng
修xiū 探tàn 候hòu 纳nà 试shì 故gù 牌pái 彩cǎi 轻qīng 状zhuàng 烈liè 庭tíng 巨jù 听tīng 审shěn 冬dōng
编biān 恩ēn 座zuò 奋fèn 止zhǐ 馆guǎn 犯fàn 湖hú 园yuán 孩hái 换huàn 害hài 奥ào 著zhù 逐zhú 抗kàng 祝zhù
索suǒ 午wǔ 盟méng 幅fú 刻kè 典diǎn 礼lǐ 急jí 召zhào 戏xì 罪zuì 久jiǔ 绍shào 秀xiù 脱tuō 吉jí 激jī 例lì 卡kǎ
测cè 桥qiáo 室shì 损sǔn 贵guì 拥yōng 材cái 胡hú 彻chè 兼jiān 脑nǎo 卖mài 判pàn 吴wú 盛shèng 播bō 纷fēn
贯guàn 贷dài 署shǔ 私sī 既jì 绩jì 泰tài 谢xiè 败bài 曲qū 呼hū 靠kào 拿ná 永yǒng 搞gǎo 尚shàng 括kuò 短duǎn
血xuè 顺shùn 移yí 绝jué 堂táng 夜yè 洋yáng 矿kuàng 鲜xiān 韩hán 觉jué 违wéi 差chà 船chuán 草cǎo 灯dēng
映yìng 暖nuǎn 予yǔ 店diàn 停tíng 津jīn 黑hēi 捐juān 威wēi 艰jiān 繁fán 录lù 钟zhōng 顾gù 语yǔ 够gòu 压yā
玉yù 杨yáng 街jiē 督dū 某mǒu 券quàn 招zhāo 讨tǎo 束shù 宏hóng 冷lěng 妇fù 疗liáo 木mù 库kù 楼lóu 粮liáng
赞zàn 瑞ruì
""".strip()


@lru_cache(maxsize=1)
def pinyin_table() -> dict[str, str]:
    """Character → tone-marked pinyin for the common characters of the source."""
    return {entry[0]: entry[1:] for entry in _PINYIN_TABLE.split()}


# --------------------------------------------------------------------------- character maps


@lru_cache(maxsize=8)
def _opencc(config: str):  # noqa: ANN202 - opencc has no type stubs
    import opencc

    return opencc.OpenCC(config)


def to_script(text: str, config: str) -> str:
    """Convert Simplified text with an OpenCC configuration (``s2t``, ``s2tw``…)."""
    return _opencc(config).convert(text)


_FULL_ALNUM = (
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓ"
    "ｔｕｖｗｘｙｚ％．"
)
_HALF_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz%."
_WIDTH_MAPS = {
    "half": str.maketrans(_FULL_ALNUM, _HALF_ALNUM),
    "digits": str.maketrans(_FULL_ALNUM[:10], _HALF_ALNUM[:10]),
    "full": str.maketrans(_HALF_ALNUM[:-2], _FULL_ALNUM[:-2]),
}


def change_width(text: str, mode: str) -> str:
    """Fold full-width digits/letters to ASCII (``half``, ``digits``) or back (``full``)."""
    return text.translate(_WIDTH_MAPS[mode])


_PUNCT_CHOICES: tuple[tuple[str, str, float], ...] = (
    ("，", ",", 0.85),
    ("：", ":", 0.6),
    ("；", ";", 0.5),
    ("（）", "()", 0.5),
    ("！", "!", 0.5),
    ("？", "?", 0.5),
    ("。", ".", 0.12),
    ("、", ",", 0.08),
    ("『』", "“”", 0.5),
)
_CORNER_QUOTES = (("“", "「"), ("”", "」"), ("‘", "『"), ("’", "』"))


def punct_mapping(rng: np.random.Generator, traditional: bool) -> tuple[tuple[str, str], ...]:
    """A site's punctuation habits: which Chinese marks it prints as ASCII or corner quotes."""
    pairs = [(a, b) for marks, ascii_marks, p in _PUNCT_CHOICES if rng.random() < p for a, b in zip(marks, ascii_marks)]
    if traditional and rng.random() < 0.6:
        pairs = [(a, b) for a, b in pairs if a not in "『』"] + list(_CORNER_QUOTES)
    elif rng.random() < 0.25:
        pairs.extend((("“", '"'), ("”", '"')))
    return tuple(pairs) or (("，", ","),)


def change_punct(text: str, mapping: Sequence[tuple[str, str]]) -> str:
    """Apply a punctuation mapping."""
    return text.translate(str.maketrans(dict(mapping)))


def edit_chars(text: str, rate: float, rng: np.random.Generator, alphabet: np.ndarray, weights: np.ndarray) -> str:
    """Substitute (60 %), insert (20 %) or delete (20 %) about ``rate`` of the CJK characters.

    Parameters
    ----------
    alphabet : numpy.ndarray
        ``<U1`` [k], replacement characters ...
    weights : numpy.ndarray
        float64 [k], ... drawn with these probabilities.
    """
    chars = list(text)
    cjk = np.array([i for i, ch in enumerate(chars) if _CJK.match(ch)], dtype=np.int64)
    if len(cjk) == 0:
        return text
    k = int(rng.binomial(len(cjk), rate))
    positions = np.sort(rng.choice(cjk, size=k, replace=False))[::-1]
    ops = rng.choice(3, size=k, p=[0.6, 0.2, 0.2])
    new = rng.choice(alphabet, size=k, p=weights)
    for pos, op, ch in zip(positions.tolist(), ops.tolist(), new.tolist()):
        if op == 0:
            chars[pos] = ch
        elif op == 1:
            chars.insert(pos, ch)
        else:
            del chars[pos]
    return "".join(chars)


def hard_wrap(text: str, width: int) -> list[str]:
    """Cut a paragraph into lines of ``width`` characters (the last may be shorter)."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


# --------------------------------------------------------------------------- sites


_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力斌宇鹏飞鑫波宁欣博怡晨浩然子轩梓涵雨萱思远佳琪"
    "志国海燕丹凤春梅俊峰立新永福晓东亚楠振宏云龙嘉慧"
)
_CITIES = (
    "北京 上海 广州 深圳 成都 杭州 武汉 西安 南京 重庆 天津 苏州 长沙 郑州 东莞 青岛 沈阳 宁波 昆明 合肥 佛山 福州 "
    "无锡 厦门 济南 大连 温州 南宁 长春 泉州 石家庄 贵阳 南昌 金华 常州 惠州 "
    "嘉兴 南通 徐州 太原 珠海 中山 台州 烟台 兰州 绍兴 海口 扬州 汕头 铜川 六安 林西"
).split()
_OUTLETS = (
    "人民日报 新华社 光明日报 经济日报 中国青年报 工人日报 法制日报 科技日报 中国日报 农民日报 中国新闻网 人民网 "
    "新华网 央视网 环球时报 南方日报 解放日报 北京日报 大众日报 四川日报"
).split()
_SECTIONS = "国内 国际 财经 社会 科技 教育 文化 体育 时政 评论 地方 民生 军事 健康 法治".split()
_SECTIONS_EN = "China World Business Society Tech Education Culture Sports Politics Opinion".split()
_CATEGORIES = "综合政务 国民经济管理 财政金融 农业农村 城乡建设 科技教育 文化体育 卫生健康 民政扶贫 劳动就业".split()
_SITE_WORDS = "新闻网 在线 资讯网 日报网 信息港 热线 之窗 门户 时报网 文摘".split()
_FARM_NAMES = "好期刊 范文网 文库网 学习啦 公文库 写作网 文秘帮 范文大全 第一范文网 总结网".split()
_JOURNALS = "实践党的教育版 求是 半月谈 党建研究 前线 共产党员 支部生活 当代贵州 新湘评论 时事报告".split()
_HTML_BITS = (
    "</span>",
    "<span>",
    "<br>",
    "<br/>",
    "</p>",
    "<p>",
    "&nbsp;",
    "&nbsp;&nbsp;",
    "</div>",
    "<strong>",
    "</strong>",
    "&amp;",
    '<span style="font-size:14px;">',
    "&#12288;",
    "</font>",
)
_MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()

# Template groups per archetype: (probability a site has the group, alternatives, probability
# a page of that site shows it). ``{slot}`` is filled per page; ``{=const}`` per site.
_Group = tuple[float, tuple[str, ...], float]
_HEADERS: dict[str, tuple[_Group, ...]] = {
    "portal": (
        (0.8, ("{=nav}",), 1.0),
        (
            0.6,
            (
                "当前位置：首页 > {=section} > 正文",
                "您当前的位置 ：{=name} >> {=section} >> 正文",
                "首页 > {=section}频道 > 正文",
            ),
            1.0,
        ),
        (
            0.9,
            (
                "发布时间：{datetime}　来源：{source}　作者：{author}",
                "{date_cn} {time} 来源：{source} 浏览次数：{views}",
                "{datetime}　来源：{source}　编辑：{editor}　阅读：{views}",
                "时间：{date}　来源：{source}　点击：{views}次",
            ),
            1.0,
        ),
        (0.5, ("字号：大 中 小　【打印】【关闭】", "【字体：大 中 小】【打印本页】", "分享到：微信 微博 QQ空间"), 1.0),
        (0.3, ("阅读量：{views}　评论：{count}", "已有{count}人参与　{views}次浏览"), 0.8),
    ),
    "mirror": (
        (0.5, ("首頁 > {=section} > 正文", "當前位置：首頁 > 資訊"), 1.0),
        (0.7, ("來源：網絡整理　時間：{datetime}", "更新時間：{datetime}　瀏覽：{views}次", "發布時間：{date}"), 1.0),
    ),
    "farm": (
        (0.8, ("时间:{datetime}", "发布时间：{date}", "时间：{date_cn}"), 1.0),
        (
            0.7,
            (
                (
                    "导语:在{keyword}内容的撰写旅程中,学习并吸收他人佳作的精髓是一条宝贵的路径,{=name}汇集了{n}篇优"
                    "秀范文,愿这些内容能够启发您的创作灵感,引领您探索更多的创作可能。"
                ),
                "导读：本文是{=name}为大家整理的{keyword}相关范文{n}篇，供大家参考借鉴，欢迎阅读收藏。",
            ),
            1.0,
        ),
        (
            1.0,
            (
                "结合当前工作需要,的会员“{member}”为你整理了这篇{title}范文,希望能给你的学习、工作带来参考借鉴作用。",
                "热门推荐：会员“{member}”分享了{title}，已有{views}人下载，希望对你有所帮助。",
            ),
            1.0,
        ),
        (0.8, ("【正文】", "正文："), 1.0),
    ),
    "pdf": (
        (1.0, ("Page {page} - {=journal}{year}年{issue}期",), 1.0),
        (1.0, ("P. {page}",), 1.0),
        (0.8, ("{=column} / {=subcolumn}",), 1.0),
    ),
    "blog": (
        (0.7, ("Home » {=section_en} » Article", "Home / {=section_en} / {date}"), 1.0),
        (
            1.0,
            (
                "Posted on {date_en} by {member} · {views} views",
                "{date_en} | {member} | {count} Comments",
                "发表于 {date} · 作者 {member} · 阅读 {views}",
            ),
            1.0,
        ),
        (0.4, ("标签：{keyword}　{=section}", "Tags: {keyword}, {=section}"), 0.7),
    ),
    "gov": (
        (1.0, ("{=dept}门户网站", "{=dept}政府网"), 1.0),
        (0.7, ("首页 > 政务公开 > {=category}", "当前位置：首页 > 新闻中心 > 工作动态"), 1.0),
        (
            0.9,
            (
                "索引号：{docid}　发布机构：{=dept}　发文日期：{date_cn}",
                "发布日期：{date}　来源：{=dept}　浏览次数：{views}",
                "信息来源：{=dept}办公室　发布时间：{datetime}",
            ),
            1.0,
        ),
    ),
}
_FOOTERS: dict[str, tuple[_Group, ...]] = {
    "portal": (
        (0.8, ("（责任编辑：{editor}）", "责任编辑：{editor}　校对：{author}", "[责任编辑：{editor}]"), 1.0),
        (0.4, ("相关阅读：\n· {related}\n· {related}\n· {related}", "热点推荐：{related}　{related}"), 0.8),
        (0.4, ("上一篇：{related}　下一篇：{related}",), 0.9),
        (0.5, ("本文链接：{url}", "扫一扫在手机打开当前页"), 1.0),
        (
            0.3,
            (
                "热点排行\n1. {related}\n2. {related}\n3. {related}\n4. {related}\n5. {related}",
                "24小时热闻：\n{related}\n{related}\n{related}\n{related}",
            ),
            0.9,
        ),
        (
            0.4,
            (
                (
                    "免责声明：本网站所载文章、数据仅供参考，使用前务请仔细阅读法律申明，风险自负。凡本网注明“来源"
                    "：{=name}”的作品，转载请注明出处。"
                ),
                (
                    "声明：本网转载其他媒体之稿件，意在为公众提供免费服务，并不代表本网赞同其观点。如稿件版权单位或"
                    "个人不想在本网发布，可与本网联系，本网视情况可立即将其撤除。"
                ),
            ),
            1.0,
        ),
        (0.4, ("联系我们：{=phone}　投稿邮箱：{=email}", "新闻热线：{=phone}　违法和不良信息举报：{=email}"), 1.0),
        (
            0.9,
            (
                "版权所有：{=name}　未经授权禁止转载、摘编、复制或建立镜像",
                "Copyright © 2006-{year} {=domain} All Rights Reserved.",
                "{=name}版权所有　{=icp}",
                "关于我们 | 联系我们 | 广告服务 | 网站地图 | 版权声明　{=icp}",
            ),
            1.0,
        ),
    ),
    "mirror": (
        (
            0.9,
            (
                "來源:網絡整理 免責聲明:本文僅限學習分享,如產生版權問題,請聯系我們及時刪除。",
                "免責聲明：本站文章均來自網絡，僅供學習交流，如有侵權請聯系刪除。",
                "聲明：本文由網友投稿，不代表本站觀點。",
            ),
            1.0,
        ),
        (0.5, ("原文鏈接：{url}", "文章標籤：{keyword}", "本文已被瀏覽{views}次"), 0.9),
        (0.4, ("熱門文章：\n{related}\n{related}\n{related}", "猜你喜歡\n{related}\n{related}"), 0.9),
    ),
    "farm": (
        (0.6, ("本文由{=name}会员“{member}”上传，如有侵权请联系删除。", "免费下载：{title}.doc　（共{n}页）"), 1.0),
        (0.5, ("相关范文推荐：\n{related}\n{related}", "猜你喜欢：{related}"), 0.9),
        (0.5, ("上一篇：{related}\n下一篇：{related}",), 1.0),
        (
            0.4,
            (
                (
                    "【免责声明】本站范文均由网友上传，仅供学习参考，请勿用于商业用途。如有侵权，请联系{=email}，我"
                    "们将在24小时内删除。"
                ),
            ),
            1.0,
        ),
        (0.7, ("{=name}　{=domain}　{=icp}", "版权所有 © {=name} 保留所有权利"), 1.0),
    ),
    "pdf": ((0.6, ("— {page} —", "{page}", "第{page}页"), 1.0),),
    "blog": (
        (0.6, ("Share this: WeChat · Weibo · Twitter · Facebook", "分享到：微信 | 微博 | QQ"), 1.0),
        (0.5, ("Previous: {related}\nNext: {related}", "« {related} | {related} »"), 0.9),
        (0.5, ("Leave a comment ({count})", "{count} 条评论　发表评论"), 1.0),
        (0.4, ("Related posts:\n{related}\n{related}\n{related}", "相关文章\n{related}\n{related}\n{related}"), 0.9),
        (
            0.3,
            ("About the author: {member} writes about {=section_en} and everything in between. Contact: {=email}",),
            1.0,
        ),
        (
            0.9,
            (
                "© {year} {=name_en}. All rights reserved. Powered by WordPress.",
                "Copyright © {year} {=domain} · Theme by {=theme}",
            ),
            1.0,
        ),
    ),
    "gov": (
        (0.8, ("【打印本页】【关闭窗口】", "【字体：大 中 小】【打印】【关闭】"), 1.0),
        (0.9, ("主办单位：{=dept}　承办单位：{=dept}信息中心", "主办：{=dept}办公室　技术支持：{=tech}"), 1.0),
        (0.5, ("地址：{=city}市{=street}　邮编：{=zip}　联系电话：{=phone}", "您是本站第{views}位访问者"), 1.0),
        (0.9, ("网站标识码：{=govid}　{=icp}　{=police}", "{=icp}　网站标识码{=govid}"), 1.0),
    ),
}

# Per-page transformation rates by archetype (before per-site jitter and ``rate_scale``).
_RATES: dict[str, dict[str, float]] = {
    "portal": dict(
        html=0.1, width=0.5, punct=0.3, wrap=0.05, resplit=0.25, edits=0.3, excerpt=0.3, note=0.3, repeat=0.12
    ),
    "mirror": dict(
        traditional=1.0,
        pinyin=0.75,
        html=0.4,
        width=0.5,
        punct=0.5,
        resplit=0.2,
        edits=0.25,
        excerpt=0.25,
        note=0.15,
        repeat=0.15,
    ),
    "farm": dict(
        html=0.15, width=0.6, punct=0.7, wrap=0.05, resplit=0.3, edits=0.35, excerpt=0.3, note=0.15, repeat=0.25
    ),
    "pdf": dict(wrap=1.0, width=0.5, punct=0.2, resplit=0.4, edits=0.2, excerpt=0.35, note=0.05, repeat=0.15),
    "blog": dict(
        traditional=0.1,
        pinyin=0.05,
        html=0.3,
        width=0.5,
        punct=0.5,
        wrap=0.1,
        resplit=0.3,
        edits=0.3,
        excerpt=0.35,
        note=0.3,
        repeat=0.1,
    ),
    "gov": dict(width=0.3, punct=0.2, wrap=0.05, resplit=0.2, edits=0.15, excerpt=0.2, note=0.2, repeat=0.1),
}
ARCHETYPE_WEIGHTS = dict(portal=0.3, mirror=0.15, farm=0.15, pdf=0.1, blog=0.15, gov=0.15)


@dataclass(frozen=True)
class Site:
    """A publisher: its templates and habits.

    Attributes
    ----------
    id : int
    name : str
    archetype : str
        One of :data:`ARCHETYPES`.
    header, footer : tuple of (str, float)
        Template lines with ``{slot}`` placeholders and the probability a page shows them.
    rates : tuple of (str, float)
        Per-page probability of each transformation.
    script : str
        OpenCC configuration used when a page is ``traditional``.
    width_mode : str
        ``half`` or ``digits`` (see :func:`change_width`).
    punct : tuple of (str, str)
        Punctuation mapping used when a page is ``punct``.
    pinyin : tuple of (str, str)
        Character → pinyin annotated on ``pinyin`` pages (both scripts), sorted.
    wrap_width : int
        Hard-wrap width of ``wrap`` pages.
    para_sep, indent, block_sep : str
        Layout: between paragraphs, before a paragraph, between header/body/footer.
    constants : tuple of (str, str)
        Site constants (name, domain, ICP number…) used in slots.
    """

    id: int
    name: str
    archetype: str
    header: tuple[tuple[str, float], ...]
    footer: tuple[tuple[str, float], ...]
    rates: tuple[tuple[str, float], ...]
    script: str
    width_mode: str
    punct: tuple[tuple[str, str], ...]
    pinyin: tuple[tuple[str, str], ...]
    wrap_width: int
    para_sep: str
    indent: str
    block_sep: str
    constants: tuple[tuple[str, str], ...] = field(default=())

    def rate(self, transform: str) -> float:
        """Per-page probability of ``transform``."""
        return dict(self.rates).get(transform, 0.0)

    def template_patterns(self) -> list[re.Pattern[str]]:
        """Regular expressions matching each filled template line (slots as ``.+?``)."""
        patterns = []
        for template, _ in self.header + self.footer:
            for line in template.split("\n"):
                parts = re.split(r"\{\w+\}", line)
                pattern = ".+?".join(re.escape(p) for p in parts)
                patterns.append(re.compile(pattern, re.S))
        return patterns


def _pick(rng: np.random.Generator, items: Sequence[str]) -> str:
    return items[int(rng.integers(len(items)))]


def _person(rng: np.random.Generator) -> str:
    return _pick(rng, _SURNAMES) + "".join(_pick(rng, _GIVEN) for _ in range(int(rng.integers(1, 3))))


def _letters(rng: np.random.Generator, k: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> str:
    return "".join(_pick(rng, alphabet) for _ in range(k))


def _digits(rng: np.random.Generator, k: int) -> str:
    return str(int(rng.integers(1, 10))) + "".join(_pick(rng, "0123456789") for _ in range(k - 1))


def _site_constants(rng: np.random.Generator, archetype: str) -> dict[str, str]:
    city = _pick(rng, _CITIES)
    slug = _letters(rng, int(rng.integers(4, 9)))
    name = _pick(rng, _FARM_NAMES) if archetype == "farm" else city + _pick(rng, _SITE_WORDS)
    nav = [_pick(rng, _SECTIONS) for _ in range(int(rng.integers(5, 10)))]
    return {
        "name": name,
        "name_en": slug.capitalize() + _pick(rng, (" News", " Daily", " Blog", " Notes", " Online")),
        "domain": "www." + slug + _pick(rng, (".com", ".cn", ".com.cn", ".net", ".org.cn")),
        "nav": "首页 | " + " | ".join(dict.fromkeys(nav)),
        "section": _pick(rng, _SECTIONS),
        "section_en": _pick(rng, _SECTIONS_EN),
        "icp": _pick(rng, ("京", "沪", "粤", "浙", "苏", "川", "鄂", "陕")) + "ICP备" + _digits(rng, 8) + "号",
        "police": "公网安备 " + _digits(rng, 14) + "号",
        "dept": city + _pick(rng, ("市人民政府", "市农业农村局", "市发展和改革委员会", "市医疗保障局", "市乡村振兴局")),
        "category": _pick(rng, _CATEGORIES),
        "govid": _digits(rng, 10),
        "tech": city + _pick(rng, ("信息技术有限公司", "网络科技有限公司", "大数据中心")),
        "journal": _pick(rng, _JOURNALS),
        "column": _pick(rng, ("打赢精准脱贫攻坚战——奋斗在一线", "理论前沿", "基层党建", "调查研究", "时事纵横")),
        "subcolumn": _pick(rng, ("实践探索", "经验交流", "工作研究", "观察思考")),
        "theme": slug.capitalize() + "Press",
        "city": city,
        "street": _pick(rng, ("人民路", "解放路", "中山路", "建设大道", "文化路", "新华街"))
        + f"{int(rng.integers(1, 300))}号",
        "zip": _digits(rng, 6),
        "phone": f"0{_digits(rng, 2)}-{_digits(rng, 8)}",
        "email": _letters(rng, int(rng.integers(3, 8))) + "@" + slug + ".com",
    }


def _fill_constants(template: str, constants: dict[str, str]) -> str:
    return re.sub(r"\{=(\w+)\}", lambda m: constants[m.group(1)], template)


def _choose_templates(
    rng: np.random.Generator, groups: tuple[_Group, ...], constants: dict[str, str]
) -> tuple[tuple[str, float], ...]:
    chosen = []
    for p_site, alternatives, p_page in groups:
        if rng.random() < p_site:
            chosen.append((_fill_constants(_pick(rng, alternatives), constants), p_page))
    return tuple(chosen)


def make_site(site_id: int, archetype: str, rng: np.random.Generator, scale: float = 1.0) -> Site:
    """Draw one site of ``archetype``: templates, habits and jittered transformation rates."""
    constants = _site_constants(rng, archetype)
    header = _choose_templates(rng, _HEADERS[archetype], constants)
    footer = _choose_templates(rng, _FOOTERS[archetype], constants)
    if not header and not footer:
        footer = ((_fill_constants("版权所有：{=name}", constants), 1.0),)
    rates = tuple(
        (name, float(min(1.0, base if base >= 1.0 else base * scale * rng.uniform(0.6, 1.4))))
        for name, base in sorted(_RATES[archetype].items())
    )
    script = _pick(rng, ("s2t", "s2t", "s2tw", "s2hk", "s2twp"))
    traditional = archetype == "mirror"
    table = pinyin_table()
    if traditional:
        candidates = [ch for ch in table if to_script(ch, script) != ch]
        fraction = rng.uniform(0.15, 0.5)
    else:
        candidates = list(table)[20:]
        fraction = rng.uniform(0.05, 0.15)
    picked = rng.choice(len(candidates), size=max(1, int(fraction * len(candidates))), replace=False)
    pinyin: dict[str, str] = {}
    for k in sorted(picked.tolist()):
        ch = candidates[k]
        pinyin[ch] = table[ch]
        pinyin[to_script(ch, script)] = table[ch]
    return Site(
        id=site_id,
        name=constants["name"],
        archetype=archetype,
        header=header,
        footer=footer,
        rates=rates,
        script=script,
        width_mode=_pick(rng, ("half", "half", "digits")),
        punct=punct_mapping(rng, traditional),
        pinyin=tuple(sorted(pinyin.items())),
        wrap_width=int(rng.integers(26, 41)),
        para_sep=_pick(rng, ("\n", "\n", "\n\n", "\n\n", "\r\n")) if archetype != "pdf" else "\n",
        indent=_pick(rng, ("", "", "　　", "  ")) if archetype != "pdf" else "",
        block_sep=_pick(rng, ("\n", "\n\n")),
        constants=tuple(sorted(constants.items())),
    )


def make_sites(n_sites: int, rng: np.random.Generator, scale: float = 1.0) -> list[Site]:
    """``n_sites`` sites; the first six cover every archetype, the rest are drawn by weight."""
    archetypes = list(rng.permutation(ARCHETYPES))[: min(n_sites, len(ARCHETYPES))]
    names, weights = zip(*ARCHETYPE_WEIGHTS.items())
    p = np.array(weights) / sum(weights)
    archetypes += [names[k] for k in rng.choice(len(names), size=max(0, n_sites - len(archetypes)), p=p)]
    return [make_site(i, str(a), rng, scale) for i, a in enumerate(archetypes)]


# --------------------------------------------------------------------------- page rendering


@dataclass(frozen=True)
class _Para:
    text: str
    kind: int = BODY  # BODY or BOILERPLATE (source lines)
    role: str = "body"  # title | body | note
    repeat: bool = False


@dataclass(frozen=True)
class _Line:
    pieces: tuple[tuple[str, int], ...]
    repeat: bool = False
    para_end: bool = True
    content: bool = True  # a line of the story (indented, joined by para_sep)

    @property
    def kind(self) -> int:
        kinds = {k for _, k in self.pieces if k != NOISE}
        return BOILERPLATE if kinds == {BOILERPLATE} else BODY


@dataclass(frozen=True)
class _PageContext:
    site: Site
    title: str
    keyword: str
    year: int
    month: int
    day: int
    related: tuple[str, ...]
    page: int
    issue: int


def _fill_slot(name: str, ctx: _PageContext, rng: np.random.Generator) -> str:
    y, m, d = ctx.year, ctx.month, ctx.day
    consts = dict(ctx.site.constants)
    hh, mm, ss = int(rng.integers(6, 24)), int(rng.integers(60)), int(rng.integers(60))
    slots: dict[str, Callable[[], str]] = {
        "date": lambda: f"{y}-{m:02d}-{d:02d}",
        "date_cn": lambda: f"{y}年{m}月{d}日",
        "date_en": lambda: f"{_MONTHS_EN[m - 1]} {d}, {y}",
        "time": lambda: f"{hh:02d}:{mm:02d}",
        "datetime": lambda: f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}:{ss:02d}",
        "year": lambda: str(y),
        "views": lambda: str(int(np.exp(rng.normal(6.0, 1.6))) + 1),
        "count": lambda: str(int(rng.integers(0, 300))),
        "n": lambda: _pick(rng, ("三", "五", "六", "八", "九", "十", "十二", "5", "8", "10")),
        "author": lambda: _person(rng),
        "editor": lambda: _person(rng),
        "member": lambda: (
            _letters(rng, int(rng.integers(3, 9)))
            + (_digits(rng, int(rng.integers(2, 7))) if rng.random() < 0.7 else "")
        ),
        "source": lambda: _pick(rng, _OUTLETS),
        "url": lambda: (
            f"https://{consts['domain']}/{_letters(rng, int(rng.integers(2, 6)))}/{y}{m:02d}/t{y}{m:02d}{d:02d}"
            f"_{_digits(rng, 7)}.html"
        ),
        "docid": lambda: f"{_digits(rng, 9)}/{y}-{_digits(rng, 5)}",
        "title": lambda: ctx.title,
        "keyword": lambda: ctx.keyword,
        "related": lambda: _pick(rng, ctx.related),
        "page": lambda: str(ctx.page),
        "issue": lambda: str(ctx.issue),
    }
    return slots[name]()


def _fill(template: str, ctx: _PageContext, rng: np.random.Generator) -> str:
    return re.sub(r"\{(\w+)\}", lambda mt: _fill_slot(mt.group(1), ctx, rng), template)


def _template_lines(
    templates: tuple[tuple[str, float], ...], ctx: _PageContext, rng: np.random.Generator
) -> list[_Line]:
    lines = []
    for template, p_page in templates:
        if rng.random() >= p_page:
            continue
        text = _fill(template, ctx, rng)
        lines.extend(_Line(((part, BOILERPLATE),), content=False) for part in text.split("\n"))
    return lines


def _excerpt(body: list[str], rng: np.random.Generator) -> list[str]:
    """Keep 70–90 % of the body: leading or a contiguous window, by paragraph or sentence."""
    target = rng.uniform(0.7, 0.9)
    leading = rng.random() < 0.5
    total = sum(map(len, body))
    if len(body) >= 5:
        best = _best_window([len(p) for p in body], target * total, leading)
        if best is not None and 0.68 <= sum(len(p) for p in body[best[0] : best[1]]) / total <= 0.92:
            return body[best[0] : best[1]]
    units = [(k, s) for k, p in enumerate(body) for s in sentences(p)]
    lo, hi = _best_window([len(s) for _, s in units], target * total, leading) or (0, len(units))
    kept: dict[int, str] = {}
    for k, s in units[lo:hi]:
        kept[k] = kept.get(k, "") + s
    return [kept[k] for k in sorted(kept)]


def _best_window(lengths: list[int], target: float, leading: bool) -> tuple[int, int] | None:
    """The contiguous window whose length is closest to ``target`` (starting at 0 if leading)."""
    cum = np.concatenate([[0], np.cumsum(lengths)])
    best, best_err = None, np.inf
    starts = [0] if leading else range(len(lengths))
    for a in starts:
        b = int(np.searchsorted(cum, cum[a] + target))
        for e in (b - 1, b):
            if a < e <= len(lengths):
                err = abs(cum[e] - cum[a] - target)
                if err < best_err:
                    best, best_err = (a, e), err
    if best is None or best == (0, len(lengths)):
        return None
    return best


def _resplit(paras: list[_Para], rng: np.random.Generator) -> list[_Para]:
    """Merge neighbours, split at a sentence, or break mid-sentence (a column break)."""
    out = list(paras)
    for _ in range(1 + int(rng.poisson(0.8))):
        body_ix = [i for i, p in enumerate(out) if p.role == "body"]
        if not body_ix:
            break
        i = _pick(rng, body_ix)
        op = rng.random()
        if op < 0.35 and i + 1 < len(out) and out[i + 1].role == "body":
            out[i : i + 2] = [replace(out[i], text=out[i].text + out[i + 1].text)]
            continue
        text = out[i].text
        parts = sentences(text)
        if op < 0.7 and len(parts) >= 2:
            cut = len("".join(parts[: len(parts) // 2]))
        elif len(text) >= 20:
            cut = int(len(text) * rng.uniform(0.3, 0.7))
        else:
            continue
        out[i : i + 1] = [replace(out[i], text=text[:cut]), replace(out[i], text=text[cut:])]
    return out


def _repeat(paras: list[_Para], rng: np.random.Generator) -> list[_Para]:
    """A layout error: a paragraph block, a stray sentence, or the whole body printed twice."""
    body_ix = [i for i, p in enumerate(paras) if p.role == "body"]
    kind = rng.random()
    if kind < 0.15 and len(body_ix) >= 2:
        # Seed 000: printed first without its title, then with it.
        titles = [p for p in paras if p.role == "title"]
        rest = [p for p in paras if p.role != "title"]
        return rest + titles + [replace(p, repeat=True) for p in rest]
    if kind < 0.3:
        candidates = [
            (i, s) for i in body_ix for s in sentences(paras[i].text)[-1:] if 10 <= len(s) < len(paras[i].text)
        ]
        if candidates:
            i, sentence = candidates[int(rng.integers(len(candidates)))]
            at = min(i + 1 + int(rng.integers(0, 2)), len(paras))
            return paras[:at] + [_Para(sentence, repeat=True)] + paras[at:]
    size = int(rng.integers(1, 4))
    start = _pick(rng, body_ix)
    block = [p for p in paras[start : start + size] if p.role == "body"]
    end = start + len(block)
    at = end if rng.random() < 0.5 else int(rng.integers(end, len(paras) + 1))
    return paras[:at] + [replace(p, repeat=True) for p in block] + paras[at:]


_NOTE_FORMS_FIRST = ("（编者按：{s}）", "编者按：{s}", "【编者按】{s}", "编者的话：{s}")
_NOTE_FORMS_LAST = ("（编后：{s}）", "【延伸阅读】{s}", "记者手记：{s}", "（{s}）")
_SOURCE_FORMS = (
    "【来源：{o}】",
    "（来源：{o}）",
    "本文来源：{o}",
    "转载自{o}，版权归原作者所有。",
    "稿件来源：{o}　作者：{a}",
)


def _note(rng: np.random.Generator, sentence: str, first: bool) -> _Para:
    """An editor's note around ``sentence`` (body), or a source line (boilerplate)."""
    if sentence and rng.random() < 0.6:
        form = _pick(rng, _NOTE_FORMS_FIRST if first else _NOTE_FORMS_LAST)
        return _Para(form.replace("{s}", sentence), role="note")
    form = _pick(rng, _SOURCE_FORMS)
    return _Para(form.replace("{o}", _pick(rng, _OUTLETS)).replace("{a}", _person(rng)), kind=BOILERPLATE, role="note")


NOISE_PATTERN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)|" + "|".join(re.escape(b) for b in _HTML_BITS))
"""Matches every injected noise span exactly (``fullmatch``)."""

FURNITURE_PATTERNS = (re.compile(r"Page \d+ - .+?\d{4}年\d+期"), re.compile(r"P\. \d+"), re.compile(r".+ / .+"))
"""PDF page furniture lines."""

SOURCE_LINE_PATTERNS = tuple(
    re.compile(".+?".join(re.escape(p) for p in re.split(r"\{\w\}", form))) for form in _SOURCE_FORMS
)
"""Source lines added by ``note`` (boilerplate), before character maps."""


def _inject_pinyin(text: str, table: dict[str, str]) -> list[tuple[str, int]]:
    pieces: list[tuple[str, int]] = []
    start = 0
    for i, ch in enumerate(text):
        if ch in table:
            pieces.append((text[start : i + 1], BODY))
            pieces.append((f"({table[ch]})", NOISE))
            start = i + 1
    pieces.append((text[start:], BODY))
    return [p for p in pieces if p[0]]


def _inject_html(pieces: list[tuple[str, int]], rng: np.random.Generator) -> list[tuple[str, int]]:
    if rng.random() >= 0.35:
        return pieces
    out = list(pieces)
    for _ in range(int(rng.integers(1, 3))):
        bit = (_pick(rng, _HTML_BITS), NOISE)
        where = rng.random()
        if where < 0.4:
            out.insert(0, bit)
        elif where < 0.8:
            out.append(bit)
        else:
            body = [k for k, (t, kind) in enumerate(out) if kind == BODY and "。" in t[:-1]]
            if not body:
                out.append(bit)
                continue
            k = _pick(rng, body)
            text = out[k][0]
            cut = text.index("。") + 1
            out[k : k + 1] = [(text[:cut], BODY), bit, (text[cut:], BODY)]
    return out


def _pdf_furniture(lines: list[_Line], ctx: _PageContext, rng: np.random.Generator) -> list[_Line]:
    """Page-number and running-head lines every 25–45 lines, like seed 004."""
    consts = dict(ctx.site.constants)
    out: list[_Line] = []
    page = ctx.page
    gap = int(rng.integers(25, 46))
    for k, line in enumerate(lines):
        if k and k % gap == 0:
            page += 1
            for text in (
                f"Page {page} - {consts['journal']}{ctx.year}年{ctx.issue}期",
                f"P. {page}",
                f"{consts['column']} / {consts['subcolumn']}",
            ):
                out.append(_Line(((text, BOILERPLATE),), content=False))
        out.append(line)
    return out


@dataclass(frozen=True, eq=False)
class Page:
    """A rendered page and its ground truth.

    Attributes
    ----------
    text : str
    labels : numpy.ndarray
        uint8 [len(text)]: :data:`BODY`, :data:`BOILERPLATE` or :data:`NOISE` per character.
    repeat : numpy.ndarray
        bool [len(text)]: inside the second or later copy of a repeated block.
    transforms : tuple of str
        The transformations applied, in :data:`TRANSFORMS` order.
    """

    text: str
    labels: np.ndarray
    repeat: np.ndarray
    transforms: tuple[str, ...]


def _assemble(lines: list[_Line], site: Site, wrapped: bool) -> Page:
    texts: list[str] = []
    labels: list[int] = []
    repeats: list[bool] = []
    lengths: list[int] = []

    def put(text: str, label: int, repeat: bool) -> None:
        if text:
            texts.append(text)
            lengths.append(len(text))
            labels.append(label)
            repeats.append(repeat)

    previous: _Line | None = None
    for line in lines:
        if previous is not None:
            if previous.content and line.content and not previous.para_end:
                sep = "\n"
            elif previous.content and line.content:
                sep = site.para_sep
            elif previous.content != line.content:
                sep = site.block_sep
            else:
                sep = "\n"
            both_bp = previous.kind == BOILERPLATE and line.kind == BOILERPLATE
            put(sep, BOILERPLATE if both_bp else BODY, previous.repeat and line.repeat)
        if line.content and not wrapped and (previous is None or previous.para_end):
            put(site.indent, BODY, line.repeat and previous is not None and previous.repeat)
        for text, kind in line.pieces:
            put(text, kind, line.repeat)
        previous = line
    n = np.array(lengths, dtype=np.int64)
    return Page(
        text="".join(texts),
        labels=np.repeat(np.array(labels, dtype=np.uint8), n),
        repeat=np.repeat(np.array(repeats, dtype=bool), n),
        transforms=(),
    )


@dataclass(frozen=True, eq=False)
class Resources:
    """What pages draw from besides their story.

    Attributes
    ----------
    alphabet : numpy.ndarray
        ``<U1`` [k]: replacement characters for edits ...
    weights : numpy.ndarray
        float64 [k]: ... and their probabilities (source frequencies).
    titles : tuple of str
        Titles of the corpus's stories, for "related articles" slots.
    """

    alphabet: np.ndarray
    weights: np.ndarray
    titles: tuple[str, ...]


def render_page(
    title: Sequence[str],
    body: Sequence[str],
    site: Site,
    transforms: Sequence[str],
    res: Resources,
    rng: np.random.Generator,
    notes: Sequence[str] = (),
) -> Page:
    """One published page of a story on ``site`` with the given transformations.

    The story goes through content changes (excerpt, edits, note, resplit, repeat), then
    character maps (script, width, punctuation), wrapping and noise injection, and is
    framed by the site's header and footer (and PDF furniture).

    Parameters
    ----------
    title, body : sequence of str
        The story's title block and body paragraphs.
    site : Site
    transforms : sequence of str
        Names from :data:`TRANSFORMS`.
    res : Resources
    rng : numpy.random.Generator
    notes : sequence of str
        Sentences for editor's notes (at most two are used); needed with ``note``.
    """
    applied = set(transforms)
    body = list(body)
    if "excerpt" in applied:
        body = _excerpt(body, rng)
    if "edits" in applied:
        rate = rng.uniform(0.01, 0.03)
        body = [edit_chars(p, rate, rng, res.alphabet, res.weights) for p in body]
    paras = [_Para(t, role="title") for t in title] + [_Para(t) for t in body if t]
    if "note" in applied:
        for k in range(1 + int(rng.random() < 0.2)):
            first = rng.random() < 0.5
            note = _note(rng, notes[k % len(notes)] if notes else "", first)
            paras.insert(len(title) if first else len(paras), note)
    if "resplit" in applied:
        paras = _resplit(paras, rng)
    if "repeat" in applied:
        paras = _repeat(paras, rng)

    def char_maps(text: str) -> str:
        if "traditional" in applied:
            text = to_script(text, site.script)
        if "width" in applied:
            text = change_width(text, site.width_mode)
        if "punct" in applied:
            text = change_punct(text, site.punct)
        return text

    paras = [replace(p, text=char_maps(p.text)) for p in paras]
    wrapped = "wrap" in applied
    width = site.wrap_width if site.archetype == "pdf" else int(rng.integers(26, 41))
    pinyin = dict(site.pinyin) if "pinyin" in applied else {}
    lines: list[_Line] = []
    for para in paras:
        chunks = hard_wrap(para.text, width) if wrapped else [para.text]
        for k, chunk in enumerate(chunks):
            if para.kind == BODY:
                pieces = _inject_pinyin(chunk, pinyin) if pinyin else [(chunk, BODY)]
                if "html" in applied:
                    pieces = _inject_html(pieces, rng)
            else:
                pieces = [(chunk, para.kind)]
            lines.append(_Line(tuple(pieces), repeat=para.repeat, para_end=k == len(chunks) - 1))

    heading = char_maps(title[0]) if title else ""
    ctx = _PageContext(
        site=site,
        title=heading,
        keyword=heading[: int(rng.integers(4, 9))],
        year=int(rng.integers(2015, 2025)),
        month=int(rng.integers(1, 13)),
        day=int(rng.integers(1, 29)),
        related=tuple(char_maps(_pick(rng, res.titles)) for _ in range(6)) if res.titles else ("",),
        page=int(rng.integers(2, 120)),
        issue=int(rng.integers(1, 25)),
    )
    if site.archetype == "pdf" and wrapped:
        lines = _pdf_furniture(lines, ctx, rng)
    lines = _template_lines(site.header, ctx, rng) + lines + _template_lines(site.footer, ctx, rng)
    page = _assemble(lines, site, wrapped)
    return replace(page, transforms=tuple(t for t in TRANSFORMS if t in applied))
