"""Fixed vocabularies of the demo city: districts, roads, industries and Chinese name parts."""

from __future__ import annotations

import pandas as pd

CITY = "深圳市"
CITY_SHORT = "深圳"
CITY_CODE = "440300"

# district | GB/T 2260 code | centre lat | centre lon | share of entities | streets (街道) | main roads
_DISTRICT_TABLE = """
福田区|440304|22.541|114.055|0.12|
  园岭 南园 福田 沙头 香蜜湖 梅林 莲花 华富 福保 华强北|
  深南大道 福华路 福中路 华强北路 红荔路 莲花路 彩田路 新洲路 益田路 金田路
罗湖区|440303|22.548|114.131|0.08|
  桂园 黄贝 东门 翠竹 东晓 南湖 笋岗 东湖 莲塘 清水河|
  人民南路 东门中路 深南东路 解放路 建设路 宝安南路 文锦中路 爱国路 布心路
南山区|440305|22.533|113.930|0.13|
  南头 南山 沙河 蛇口 招商 粤海 桃源 西丽|
  科技南路 科苑路 高新南一道 南海大道 桃园路 南山大道 沙河西路 学府路 留仙大道
盐田区|440308|22.557|114.236|0.03|
  沙头角 海山 盐田 梅沙|
  深盐路 海山路 盐田路 东海道 梅沙路 沙头角路
宝安区|440306|22.555|113.883|0.20|
  新安 西乡 航城 福永 福海 沙井 新桥 松岗 燕罗 石岩|
  宝安大道 新湖路 创业一路 建安一路 松白路 福永大道 石岩大道 航城大道
龙岗区|440307|22.721|114.247|0.18|
  平湖 布吉 坂田 南湾 横岗 龙城 龙岗 坪地 吉华 宝龙 园山|
  龙岗大道 布吉路 坂雪岗大道 深惠路 宝荷路 龙翔大道 爱联路 吉华路
龙华区|440309|22.697|114.045|0.12|
  观湖 民治 龙华 大浪 福城 观澜|
  人民路 梅龙路 民治大道 布龙路 观澜大道 东环一路 和平路 龙华大道
坪山区|440310|22.708|114.350|0.05|
  坪山 马峦 碧岭 石井 坑梓 龙田|
  坪山大道 深汕路 东纵路 龙兴北路 金牛西路 锦龙大道
光明区|440311|22.749|113.936|0.06|
  光明 公明 新湖 凤凰 玉塘 马田|
  光明大道 光侨路 观光路 华夏路 东长路 公明南环大道
大鹏新区|440300|22.588|114.478|0.03|
  葵涌 大鹏 南澳|
  金业大道 鹏飞路 迎宾路 南澳路 葵新北路
"""


def _records(table: str) -> list[str]:
    """Join a table's continuation lines (indented) onto the record they continue."""
    records: list[str] = []
    for line in table.strip().splitlines():
        if line.startswith(" ") and records:
            records[-1] += line.strip()
        else:
            records.append(line)
    return records


def _parse_districts(table: str) -> pd.DataFrame:
    rows = []
    for line in _records(table):
        name, code, lat, lon, weight, streets, roads = line.split("|")
        rows.append({"district": name, "region_code": code, "lat": float(lat), "lon": float(lon),
                     "weight": float(weight), "streets": streets.split(), "roads": roads.split()})
    return pd.DataFrame(rows)


DISTRICTS = _parse_districts(_DISTRICT_TABLE)
BUILDING_WORDS = list("华润中信国际金融科技创新星河卓越凤凰天安京基招商万科海岸荣超皇庭嘉里世纪时代")
BUILDING_KINDS = ["大厦", "广场", "中心", "花园", "工业园", "工业区", "商务中心", "科技园", "商业城"]
SECRETARY_FIRMS = [
    "深圳市前海商务秘书有限公司", "深圳市前海深港商务秘书有限公司", "深圳市创业企业服务有限公司",
]

# industry key | GB/T 4754-2017 code | label | English | company name words | sole-trader shop words |
# share among companies | share among sole traders | compliance effect (logit) | chain-like (many branches)
_INDUSTRY_TABLE = """
catering|H6210|正餐服务|catering|餐饮管理 餐饮服务 饮食 酒楼|
  小吃店 餐馆 饭店 烧腊店 面馆 粥店 茶餐厅|0.08|0.30|-0.6|1
food_retail|F5221|食品零售|food retail|食品 商贸 超市 生鲜|
  便利店 士多店 食品店 水果店 商行 粮油店|0.06|0.22|-0.25|1
chemicals|F5166|危险化学品批发|chemicals|化工 化学品 新材料科技 石油化工|
  化工商行|0.03|0.005|-0.75|0
construction|E4790|房屋建筑业|construction|建筑工程 建设工程 装饰工程 机电工程|
  装修队|0.07|0.02|-0.45|0
manufacturing|C3982|电子电路制造|manufacturing|电子 精密机械 五金制品 塑胶制品 实业|
  五金加工厂 塑胶加工部|0.14|0.05|-0.25|0
logistics|G5430|道路货物运输|logistics|物流 货运代理 供应链管理 运输|
  搬运部 货运部|0.06|0.04|-0.2|0
pharmacy|F5251|药品零售|pharmacy|医药 大药房连锁 健康药房 药业|
  药店|0.02|0.02|0.0|1
hotel|H6110|旅游饭店|hotel|酒店管理 酒店 宾馆 公寓管理|
  旅馆 客栈|0.025|0.03|-0.1|1
entertainment|R9011|歌舞厅娱乐活动|entertainment venues|娱乐 文化娱乐 休闲娱乐|
  棋牌室 网吧|0.02|0.02|-0.55|0
beauty|O8040|理发及美容服务|hairdressing and beauty|美容美发 美容 健康管理|
  理发店 美发店 美甲店|0.03|0.12|-0.2|1
clinic|Q8425|门诊部（所）|clinics|医疗 门诊部 口腔门诊部|
  诊所|0.01|0.01|-0.1|0
auto_repair|O8111|汽车修理与维护|auto repair|汽车服务 汽车维修 汽车美容|
  汽车修理店|0.03|0.05|-0.3|0
property|K7020|物业管理|property management|物业管理 物业服务|
  管理处|0.03|0.0|0.0|0
trade|F5181|贸易代理|wholesale and trade|贸易 进出口 商贸 实业发展|
  贸易商行|0.20|0.10|0.3|0
tech|I6513|应用软件开发|software and IT|信息技术 网络科技 科技 软件|
  电脑维修部|0.18|0.025|0.5|0
"""


def _parse_industries(table: str) -> pd.DataFrame:
    rows = []
    for line in _records(table):
        key, code, label, en, cwords, swords, cshare, sshare, effect, chain = line.split("|")
        rows.append({"industry_key": key, "industry_code": code, "industry": label, "industry_en": en,
                     "company_words": cwords.split(), "shop_words": swords.split(),
                     "company_share": float(cshare), "sole_share": float(sshare), "effect": float(effect),
                     "chain": chain == "1"})
    return pd.DataFrame(rows)


INDUSTRIES = _parse_industries(_INDUSTRY_TABLE)
HIGH_RISK_INDUSTRIES = ("catering", "chemicals", "construction", "entertainment", "auto_repair")

TRADE_CHARS = list(dict.fromkeys(
    "华盛达兴隆鑫泰丰源恒通宏远嘉利新创金瑞德信安康永腾飞博宇晟昌汇万祥和佳美宝荣凯俊"
    "辉明光天海中润景富贵聚合诚益启航星联志科龙凤翔顺发东亿誉卓越锦绣致尚品优雅智慧云"
    "峰川泽森林晨旭阳鸿鹏浩铭骏豪乐正大同立"
))
HOMOPHONES = dict(zip("华盛达鑫泰源恒利隆辉宏祥荣峰", "化胜大新太元衡力龙晖弘翔容锋", strict=True))

# (surname, relative frequency); a few compound surnames at the end
_SURNAMES = (
    "王 7.1 李 7.0 张 6.8 刘 5.4 陈 4.6 杨 3.1 黄 2.3 赵 2.2 吴 2.0 "
    "周 1.9 徐 1.5 孙 1.4 马 1.3 朱 1.3 胡 1.2 郭 1.1 何 1.1 高 1.0 "
    "林 1.0 罗 0.9 郑 0.9 梁 0.8 谢 0.7 宋 0.6 唐 0.6 许 0.6 韩 0.5 "
    "冯 0.5 邓 0.5 曹 0.5 彭 0.5 曾 0.5 肖 0.4 田 0.4 董 0.4 袁 0.4 "
    "潘 0.4 于 0.4 蒋 0.4 蔡 0.4 余 0.4 杜 0.3 叶 0.3 程 0.3 苏 0.3 "
    "魏 0.3 吕 0.3 丁 0.3 任 0.3 沈 0.3 姚 0.3 卢 0.3 姜 0.2 崔 0.2 "
    "钟 0.2 谭 0.2 陆 0.2 汪 0.2 范 0.2 金 0.2 石 0.2 廖 0.2 贾 0.2 "
    "夏 0.2 韦 0.2 方 0.2 白 0.2 邹 0.2 孟 0.2 熊 0.2 秦 0.2 邱 0.2 "
    "江 0.2 尹 0.1 薛 0.1 段 0.1 雷 0.1 侯 0.1 龙 0.1 史 0.1 陶 0.1 "
    "黎 0.1 贺 0.1 顾 0.1 毛 0.1 郝 0.1 龚 0.1 邵 0.1 万 0.1 欧阳 0.05 "
    "司马 0.01 上官 0.01 诸葛 0.01"
).split()
SURNAMES = _SURNAMES[0::2]
SURNAME_WEIGHTS = [float(w) for w in _SURNAMES[1::2]]
GIVEN_MALE = list(dict.fromkeys(
    "伟强磊军洋勇杰涛明超辉刚平鹏华飞鑫波斌宇浩凯健俊帆志文建国新东海峰荣亮成林锋晨浩"
    "然子轩宏"
))
GIVEN_FEMALE = list(dict.fromkeys(
    "芳娜敏静丽艳娟霞秀玲桂英红梅琳燕晶雪慧颖婷倩佳欣悦怡萍丹洁琴云兰凤妍璐薇雯蕾"
))

# (region code, weight) of birth places for resident IDs: Guangdong and the provinces Shenzhen draws from
_BIRTH_REGIONS = (
    "440301 6 440303 3 440304 3 440305 3 440306 3 440106 3 440104 2 441302 3 445102 3 440511 3 441900 3 "
    "445202 3 441502 2 440883 2 430102 3 430602 2 431102 2 360102 2 360702 2 450102 2 450902 2 "
    "510104 2 511302 2 420102 2 421002 2 410102 2 411302 2 350102 1 350583 1 370102 1 320102 1 "
    "330102 1 110101 1 310101 1 500103 1 522601 1 130102 1 340102 1"
).split()
BIRTH_REGIONS = _BIRTH_REGIONS[0::2]
BIRTH_REGION_WEIGHTS = [float(w) for w in _BIRTH_REGIONS[1::2]]
MOBILE_PREFIXES = [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158,
                   159, 166, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 198, 199]
CHINESE_DIGITS = "〇一二三四五六七八九"
