"""Provinces and cities of the made-up world: real names, approximate coordinates and real region codes.

Referrals need a capital with prefecture cities 100–300 km away, and
mobility needs places people leave (prefecture cities) and places they go
(capitals and the big cities), so the world is six provinces, each a capital
and three prefecture cities, plus 北京 and 上海 as single big cities and
深圳 and 佛山 as big cities of 广东. Each city has three districts with their
6-digit administrative codes (GB/T 2260), used for the made-up ID numbers.

Population weights are those of the synthetic population, not census
figures: big cities and capitals weigh more than prefecture cities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MUNICIPALITY, CAPITAL, BIG, PREFECTURE = "municipality", "capital", "big", "prefecture"
# how readily residents move away (relative), by role: prefecture cities send most
LEAVING = {MUNICIPALITY: 0.3, CAPITAL: 0.8, BIG: 0.4, PREFECTURE: 1.6}


@dataclass(frozen=True)
class City:
    name: str
    province: str
    role: str
    lat: float
    lon: float
    weight: float
    districts: tuple[tuple[str, str], ...]   # (name, 6-digit region code)


def _c(name, province, role, lat, lon, weight, *districts) -> City:
    return City(name, province, role, lat, lon, weight, tuple(districts))


CITIES: tuple[City, ...] = (
    _c("北京市", "北京市", MUNICIPALITY, 39.904, 116.407, 14, ("朝阳区", "110105"), ("海淀区", "110108"), ("丰台区", "110106")),
    _c("上海市", "上海市", MUNICIPALITY, 31.230, 121.474, 14, ("浦东新区", "310115"), ("徐汇区", "310104"), ("闵行区", "310112")),
    _c("广州市", "广东省", CAPITAL, 23.129, 113.264, 10, ("天河区", "440106"), ("越秀区", "440104"), ("白云区", "440111")),
    _c("深圳市", "广东省", BIG, 22.543, 114.058, 10, ("福田区", "440304"), ("南山区", "440305"), ("龙岗区", "440307")),
    _c("佛山市", "广东省", BIG, 23.021, 113.121, 5, ("禅城区", "440604"), ("南海区", "440605"), ("顺德区", "440606")),
    _c("韶关市", "广东省", PREFECTURE, 24.810, 113.597, 2, ("浈江区", "440204"), ("武江区", "440203"), ("曲江区", "440205")),
    _c("河源市", "广东省", PREFECTURE, 23.744, 114.701, 2, ("源城区", "441602"), ("东源县", "441625"), ("和平县", "441624")),
    _c("成都市", "四川省", CAPITAL, 30.573, 104.066, 11, ("武侯区", "510107"), ("锦江区", "510104"), ("成华区", "510108")),
    _c("绵阳市", "四川省", PREFECTURE, 31.468, 104.679, 3, ("涪城区", "510703"), ("游仙区", "510704"), ("安州区", "510705")),
    _c("乐山市", "四川省", PREFECTURE, 29.552, 103.766, 2, ("市中区", "511102"), ("五通桥区", "511112"), ("沙湾区", "511111")),
    _c("南充市", "四川省", PREFECTURE, 30.837, 106.110, 4, ("顺庆区", "511302"), ("高坪区", "511303"), ("嘉陵区", "511304")),
    _c("郑州市", "河南省", CAPITAL, 34.747, 113.625, 8, ("金水区", "410105"), ("二七区", "410103"), ("中原区", "410102")),
    _c("洛阳市", "河南省", PREFECTURE, 34.620, 112.454, 4, ("西工区", "410303"), ("涧西区", "410305"), ("洛龙区", "410311")),
    _c("南阳市", "河南省", PREFECTURE, 32.991, 112.528, 5, ("宛城区", "411302"), ("卧龙区", "411303"), ("邓州市", "411381")),
    _c("商丘市", "河南省", PREFECTURE, 34.414, 115.656, 4, ("梁园区", "411402"), ("睢阳区", "411403"), ("永城市", "411481")),
    _c("南京市", "江苏省", CAPITAL, 32.060, 118.797, 7, ("鼓楼区", "320106"), ("玄武区", "320102"), ("秦淮区", "320104")),
    _c("淮安市", "江苏省", PREFECTURE, 33.610, 119.015, 3, ("清江浦区", "320812"), ("淮安区", "320803"), ("淮阴区", "320804")),
    _c("盐城市", "江苏省", PREFECTURE, 33.348, 120.163, 3, ("亭湖区", "320902"), ("盐都区", "320903"), ("大丰区", "320904")),
    _c("徐州市", "江苏省", PREFECTURE, 34.205, 117.284, 5, ("云龙区", "320303"), ("鼓楼区", "320302"), ("泉山区", "320311")),
    _c("合肥市", "安徽省", CAPITAL, 31.821, 117.227, 6, ("蜀山区", "340104"), ("庐阳区", "340103"), ("包河区", "340111")),
    _c("阜阳市", "安徽省", PREFECTURE, 32.890, 115.814, 5, ("颍州区", "341202"), ("颍东区", "341203"), ("颍泉区", "341204")),
    _c("安庆市", "安徽省", PREFECTURE, 30.543, 117.063, 3, ("迎江区", "340802"), ("大观区", "340803"), ("宜秀区", "340811")),
    _c("蚌埠市", "安徽省", PREFECTURE, 32.917, 117.389, 2, ("龙子湖区", "340302"), ("蚌山区", "340303"), ("禹会区", "340304")),
    _c("长春市", "吉林省", CAPITAL, 43.817, 125.324, 6, ("南关区", "220102"), ("朝阳区", "220104"), ("绿园区", "220106")),
    _c("四平市", "吉林省", PREFECTURE, 43.166, 124.350, 2, ("铁西区", "220302"), ("铁东区", "220303"), ("双辽市", "220382")),
    _c("松原市", "吉林省", PREFECTURE, 45.141, 124.825, 2, ("宁江区", "220702"), ("扶余市", "220781"), ("长岭县", "220722")),
    _c("通化市", "吉林省", PREFECTURE, 41.728, 125.940, 2, ("东昌区", "220502"), ("二道江区", "220503"), ("梅河口市", "220581")),
)
N_CITIES = len(CITIES)
BY_NAME = {c.name: i for i, c in enumerate(CITIES)}
WEIGHT = np.array([c.weight for c in CITIES], float)
SHARE = WEIGHT / WEIGHT.sum()
ROLE = np.array([c.role for c in CITIES], object)
LAT = np.array([c.lat for c in CITIES])
LON = np.array([c.lon for c in CITIES])
# the capital of each city's province (a municipality is its own)
CAPITAL_OF = np.array([next(j for j, d in enumerate(CITIES) if d.province == c.province and d.role in (CAPITAL, MUNICIPALITY))
                       for c in CITIES], np.int64)
# where people move to: capitals and big cities, by weight
DESTINATION = np.where(np.isin(ROLE, (MUNICIPALITY, CAPITAL, BIG)), WEIGHT, 0.0)


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km (arrays or scalars)."""
    p = math.pi / 180
    lat1, lon1, lat2, lon2 = (np.asarray(x, float) * p for x in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 12_742 * np.arcsin(np.sqrt(a))


DISTANCE_KM = haversine_km(LAT[:, None], LON[:, None], LAT[None, :], LON[None, :])
