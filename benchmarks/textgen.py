# ruff: noqa: E501  (HTML templates and Korean sentences read better unwrapped)
"""Invented Korean trade-news text, deterministic from a seed. Pure functions, no I/O.

Everything here is made up: companies, people, products and quotes. The vocabulary is that of
the Korean medical-device trade press, and three search terms are drawn at controlled rates so
that the search benchmark has realistic hit counts:

* 의료기기 only in articles flagged ``device`` (``P_DEVICE`` of them),
* 오송 only in articles flagged ``osong`` (``P_OSONG``),
* 케이메디허브 only in articles flagged ``kmedi`` (``P_KMEDI``).

(Search squashes spaces, so a word ending in 오 followed by one starting with 송 — 바이오
송도 — also matches 오송; the benchmark reports the real hit counts rather than assuming.)
Two-syllable 의료 is common on purpose: 의료진, 의료기관, 의료 데이터 appear in ordinary
sentences, as they do in real coverage.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

# Bump when the text changes: cached archives (benchmarks/.cache) are keyed by it.
TEXT_VERSION = 1

P_DEVICE = 0.20
P_OSONG = 0.03
P_KMEDI = 0.01

COMPANIES = [
    "메디텍코리아", "한빛메디칼", "누리헬스케어", "세온바이오", "다온메디", "루미나젠", "바이오넥스",
    "케어온", "에이치엠솔루션", "뉴로웨이브", "소노랩", "인트로메드", "메디플러스", "지엔바이오",
    "코어셀", "하이젠텍", "제이엘메디칼", "로보메디", "메디스캔", "온누리진단", "리젠메디",
    "휴먼브릿지", "셀바이오텍", "에스앤메드", "메디로직", "큐어링크", "바이오포커스", "라온헬스",
    "비전메디칼", "하나로진", "카디오넷", "덴탈리안", "오르토웍스", "아이케어랩", "스카이메드",
    "펄스온", "이노바이탈", "메디브레인", "그린셀텍", "한결메디", "티엔에이치", "수앤메디",
]
PRODUCTS = [
    "휴대용 초음파 진단기", "체외진단 키트", "수술용 로봇", "웨어러블 심전도 패치", "연속혈당측정기",
    "인공관절", "치과용 임플란트", "AI 영상판독 소프트웨어", "디지털치료기기", "내시경 장비",
    "혈액분석기", "인공호흡기", "보행재활 로봇", "원격 모니터링 플랫폼", "유전체 분석 서비스",
    "분자진단 장비", "레이저 치료기", "스마트 인슐린 펜", "수면무호흡 진단 솔루션", "안저 카메라",
    "이동형 엑스레이", "혈관 스텐트", "콘택트렌즈형 센서", "뇌파 측정 헤드셋", "척추 고정 나사",
    "피부 재생 패치", "전자약", "초소형 캡슐내시경", "AI 병리 분석 솔루션", "현장진단 카트리지",
]
PLACES = [
    "서울", "부산", "대전", "광주", "인천", "울산", "세종", "수원", "성남", "청주", "천안", "전주",
    "포항", "창원", "제주", "강릉", "원주", "대구", "송도", "판교", "춘천", "김해", "구미", "안산",
]
INSTITUTIONS = [
    "식품의약품안전처", "식약처", "보건복지부", "산업통상자원부", "중소벤처기업부",
    "한국보건산업진흥원", "한국산업기술진흥원", "국민건강보험공단", "건강보험심사평가원",
    "질병관리청", "특허청", "과학기술정보통신부", "코트라", "한국바이오협회",
]
HOSPITALS = [
    "서울대병원", "세브란스병원", "삼성서울병원", "서울아산병원", "분당서울대병원", "충북대병원",
    "경북대병원", "부산대병원", "전남대병원", "강원대병원", "고려대 안암병원", "한양대병원",
    "아주대병원", "계명대 동산병원", "원주세브란스기독병원", "가톨릭대 서울성모병원",
]
SURNAMES = "김이박최정강조윤장임한서신권황안류홍전고문양손배백허남심노하곽성차주우구민진나"
GIVEN = [
    "민준", "서연", "지호", "하은", "도윤", "수빈", "예준", "지유", "시우", "서윤", "주원", "하린",
    "지훈", "유진", "현우", "수아", "건우", "채원", "우진", "다은", "선우", "은서", "태현", "가은",
    "정민", "나연", "승현", "소율", "재원", "윤서", "동혁", "미경", "상훈", "혜진", "영수", "경아",
]
POSITIONS = ["대표", "연구소장", "사업본부장", "부사장", "전무", "팀장", "최고기술책임자(CTO)"]
OFFICIAL_POSITIONS = ["과장", "국장", "사무관", "단장", "원장", "실장"]
COUNTRIES = [
    "미국", "일본", "독일", "베트남", "인도네시아", "사우디아라비아", "브라질", "중국", "인도", "태국",
    "멕시코", "아랍에미리트", "폴란드", "호주", "캐나다", "튀르키예",
]
FIELDS = [
    "영상진단", "체외진단", "디지털헬스", "정형외과", "심혈관", "치과", "재활", "안과", "피부",
    "신경과", "호흡기", "내분비", "소화기", "수술 로봇", "AI 진단",
]
DISEASES = [
    "당뇨병", "뇌졸중", "고혈압", "폐암", "치매", "부정맥", "골다공증", "수면무호흡증", "만성신장병",
    "파킨슨병", "녹내장", "대장암", "심부전", "천식", "우울증",
]
EVENTS = ["설명회", "간담회", "포럼", "박람회", "심포지엄", "투자설명회", "수출상담회", "기술교류회"]
CERTS = [
    "유럽 CE 인증", "미국 FDA 510(k) 허가", "일본 PMDA 승인", "식약처 품목허가", "GMP 적합 인정",
    "MDSAP 인증", "브라질 ANVISA 허가", "중국 NMPA 허가", "ISO 13485 인증",
]
INVESTORS = [
    "누리파트너스", "하늘벤처스", "코리아헬스펀드", "새솔인베스트먼트", "한강벤처캐피탈",
    "미래바이오파트너스", "동행투자", "블루오션파트너스",
]
TOPICS = [
    "인허가 제도 개선 방향", "디지털헬스 데이터 활용", "해외 인증 전략", "건강보험 수가 체계",
    "AI 진단 보조기기의 임상 검증", "중소기업 해외 판로 개척", "공급망 안정화", "사이버보안 대응",
    "실사용 데이터 기반 평가", "재택 진료 확산",
]
QUOTES = [
    "현장의 목소리를 반영해 제도를 계속 보완하겠다",
    "국내에서 검증된 기술로 해외 시장을 적극 공략하겠다",
    "환자 안전을 최우선으로 두고 품질 관리에 힘쓰겠다",
    "중소기업이 혼자 감당하기 어려운 임상 비용을 덜어주는 것이 목표다",
    "올해를 글로벌 도약의 원년으로 삼겠다",
    "데이터 기반 진료가 자리 잡으려면 보상 체계가 먼저 마련돼야 한다",
    "연구실 성과가 실제 제품으로 이어지도록 끝까지 지원하겠다",
    "생산 능력을 두 배로 늘려 늘어나는 수출 주문에 대응하겠다",
    "규제 기관과 긴밀히 협의해 출시 일정을 앞당기겠다",
    "지역 인재를 채용해 함께 성장하는 기업이 되겠다",
    "가격 경쟁보다 임상적 가치를 입증하는 데 집중하겠다",
    "현장에서 실제로 쓰기 편한 제품을 만드는 것이 가장 중요하다",
    "내년 상반기 안에 후속 제품의 임상을 마무리할 계획이다",
    "병원 밖에서도 환자를 지속적으로 관리할 수 있는 환경을 만들겠다",
]
SECTIONS = ["의료기기", "디지털헬스", "제약·바이오", "정책", "클러스터", "병원", "기획", "산업"]


def _num(lo: int, hi: int) -> Callable[[random.Random], str]:
    return lambda rng: str(rng.randint(lo, hi))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _thousands(rng: random.Random) -> str:
    return f"{rng.randint(1, 48):,}{rng.choice(['00', '50', '20'])}".replace(",", "")


_PICK: dict[str, Callable[[random.Random], str]] = {
    "co": lambda r: r.choice(COMPANIES),
    "prod": lambda r: r.choice(PRODUCTS),
    "place": lambda r: r.choice(PLACES),
    "inst": lambda r: r.choice(INSTITUTIONS),
    "hosp": lambda r: r.choice(HOSPITALS),
    "name": _name,
    "pos": lambda r: r.choice(POSITIONS),
    "opos": lambda r: r.choice(OFFICIAL_POSITIONS),
    "country": lambda r: r.choice(COUNTRIES),
    "field": lambda r: r.choice(FIELDS),
    "disease": lambda r: r.choice(DISEASES),
    "event": lambda r: r.choice(EVENTS),
    "cert": lambda r: r.choice(CERTS),
    "vc": lambda r: r.choice(INVESTORS),
    "topic": lambda r: r.choice(TOPICS),
    "quote": lambda r: r.choice(QUOTES),
    "series": lambda r: r.choice("ABC"),
    "n": _num(2, 9),
    "q": _num(1, 4),
    "num": _num(12, 980),
    "big": _num(3, 950),
    "pct": _num(4, 68),
    "month": _num(1, 12),
    "day": _num(1, 28),
    "year": _num(2026, 2031),
    "area": _thousands,
}
# Entities stay the same within one article ({co} is the article's company throughout);
# numbers and quotes are drawn afresh each time.
_ENTITIES = {"co", "co2", "prod", "prod2", "place", "inst", "hosp", "name", "name2", "pos",
             "opos", "country", "field", "disease", "event", "cert", "vc", "vc2", "topic"}

GENERAL = [
    "{co:은} {prod} 신제품을 {month}월부터 국내 {n}개 병원에 공급한다고 {day}일 밝혔다.",
    "회사 측은 이번 계약으로 올해 매출이 지난해보다 {pct}% 이상 늘어날 것으로 내다봤다.",
    "{inst:은} {field} 분야 중소기업의 해외 진출을 돕기 위해 총 {big}억원 규모의 지원사업을 추진한다.",
    "업계에서는 {disease} 환자가 꾸준히 늘고 있어 관련 시장이 연평균 {pct}%씩 성장할 것으로 보고 있다.",
    "{hosp} {field}센터 {name2} 교수 연구팀은 {disease} 환자 {num}명을 대상으로 한 임상시험 결과를 국제학술지에 발표했다.",
    "이번 행사에는 국내외 기업 {num}곳과 해외 바이어 {num}여 명이 참가해 {num}건의 상담이 이뤄졌다.",
    "{co:은} {country} 현지 유통사와 {big}억원 규모의 공급 계약을 체결했다.",
    "정부는 {year}년까지 {field} 분야 연구개발에 {big}억원을 투입할 계획이다.",
    "{place}시는 지역 기업의 시제품 제작과 성능 시험을 지원하는 공동 장비센터를 {month}월 개소한다.",
    "전문가들은 인허가 기간 단축과 건강보험 수가 반영이 산업 성장의 관건이라고 지적한다.",
    "{co}의 {prod:은} 기존 제품보다 검사 시간을 {pct}% 줄인 것이 특징이다.",
    "이 회사는 {year}년 코스닥 상장을 목표로 기술특례 상장 절차를 준비하고 있다.",
    "지난해 국내 {field} 시장 규모는 약 {big}억원으로 집계됐다.",
    "{co:은} {place}에 연면적 {area}㎡ 규모의 생산시설을 짓고 있으며 {year}년 가동을 목표로 하고 있다.",
    "{hosp:은} 환자 데이터를 분석해 {disease} 위험을 미리 알려주는 예측 모델을 진료 현장에 도입했다.",
    "이에 따라 의료진은 환자 상태를 실시간으로 확인하고 이상 징후가 나타나면 즉시 대응할 수 있게 된다.",
    "한편 {co2}도 {prod2} 개발을 마치고 {cert} 절차에 들어갔다.",
    "{inst:은} {month}월 {day}일 {place}에서 업계 관계자를 대상으로 {event:을} 연다.",
    "참가 신청은 {month}월 {day}일까지 누리집에서 받는다.",
    "{co:은} 올해 {q}분기 영업이익이 {big}억원으로 전년 동기 대비 {pct}% 증가했다고 공시했다.",
    "회사는 확보한 자금을 연구 인력 확충과 해외 임상에 투입할 예정이다.",
    "{co:은} 최근 {big}억원 규모의 시리즈{series} 투자를 유치했다.",
    "이번 투자에는 {vc:과} {vc2} 등이 참여했다.",
    "{name} {co} {pos:은} {event}에서 {topic:Q을} 주제로 발표했다.",
    "이 제품은 병원뿐 아니라 가정에서도 쓸 수 있도록 무게를 {n}00g 수준으로 줄였다.",
    "보건당국은 {disease} 조기 진단율을 높이기 위해 국가검진 항목 확대를 검토하고 있다.",
    "국내 기업들은 인증 비용과 긴 심사 기간을 해외 진출의 가장 큰 걸림돌로 꼽았다.",
    "{place} 지역에는 현재 {num}여 개 기업이 입주해 있으며 종사자는 {area}명에 이른다.",
    "의료기관 {num}곳이 참여하는 실증사업은 {month}월부터 {n}개월간 진행된다.",
    "{co:은} {country} 시장을 겨냥해 현지 언어를 지원하는 소프트웨어 업데이트를 내놨다.",
    "환자 만족도 조사에서는 응답자의 {pct}%가 '다시 이용하겠다'고 답했다.",
    "{inst:은} 관련 고시 개정안을 {month}월 {day}일까지 행정예고하고 의견을 받는다.",
    "업체 간 경쟁이 치열해지면서 가격보다는 사후관리 서비스가 구매 결정에 더 큰 영향을 미치고 있다.",
    "{co:은} {hosp:과} 공동 연구 협약을 맺고 {field} 분야 차세대 제품을 개발하기로 했다.",
    "건강 데이터의 2차 활용 범위를 둘러싼 논의도 이어지고 있다.",
    "생산 물량의 {pct}%는 {country} 등 해외로 수출된다.",
    "기술 이전을 받은 기업은 {n}년 안에 제품화를 마칠 계획이다.",
    "{co:은} 지난달 {country}에서 열린 {event}에 단독 부스를 차리고 {prod:을} 선보였다.",
    "현장에서는 {num}건이 넘는 구매 문의가 들어온 것으로 알려졌다.",
    "이번 연구에서 {prod}의 진단 정확도는 {pct}%대 후반으로 나타났다.",
    "연구팀은 후속 연구를 통해 적용 대상을 {disease} 고위험군으로 넓힐 방침이다.",
    "{inst:은} 올해 심사 인력을 {num}명 늘려 평균 처리 기간을 {n}개월 단축하겠다고 밝혔다.",
    "건강보험 적용 여부는 {year}년 상반기 중 결정될 전망이다.",
    "같은 기간 수입 제품 비중은 {pct}%로 소폭 낮아졌다.",
    "{co:은} 임직원 {num}명 가운데 연구개발 인력이 절반을 넘는다고 소개했다.",
    "{place} 소재 {co2:은} 부품 국산화에 성공해 원가를 {pct}% 낮췄다.",
    "원격 모니터링 서비스는 만성질환자의 내원 횟수를 줄이는 데 효과가 있는 것으로 평가된다.",
    "다만 개인정보 보호와 책임 소재에 대한 기준이 아직 명확하지 않다는 지적도 나온다.",
    "일부 병원은 도입 비용 부담 때문에 구매를 미루고 있는 것으로 파악됐다.",
    "{co:은} {month}월 중 {country} 법인을 세우고 현지 영업을 본격화한다.",
    "이 기술은 {hosp}에서 {num}례 이상 시술에 쓰이며 안전성을 입증했다.",
    "협약에 따라 양측은 공동 연구 인력을 교류하고 임상 데이터를 공유한다.",
    "{name2} {inst} {opos:은} \"{quote}\"고 설명했다.",
    "{name} {pos:은} \"{quote}\"며 \"{quote}\"고 강조했다.",
    "{co} 관계자는 \"{quote}\"고 말했다.",
    "재택 진료 수요가 늘면서 가정용 기기 시장도 빠르게 커지고 있다.",
    "지방자치단체들도 관련 기업 유치를 위해 입주 공간과 세제 혜택을 앞다퉈 내놓고 있다.",
    "{disease} 치료 분야에서는 약물과 기기를 결합한 복합 제품 개발이 활발하다.",
    "{co}의 누적 수출액은 지난달 {big}억원을 넘어섰다.",
    "해당 제품은 {field} 전문의 {num}명을 대상으로 한 사용성 평가에서 높은 점수를 받았다.",
]
DEVICE = [
    "{co:은} 국내 의료기기 업계 최초로 {cert:을} 받았다.",
    "식약처는 {prod:을} 혁신의료기기로 지정했다고 {day}일 밝혔다.",
    "{year}년 국내 의료기기 생산 실적은 {big}억원으로 전년보다 {pct}% 늘었다.",
    "의료기기 업계는 이번 조치가 중소기업의 부담을 크게 덜어줄 것으로 기대하고 있다.",
    "{place} 의료기기 클러스터에는 시험·검사 기관과 기업 지원시설이 한데 모여 있다.",
    "정부는 전국 바이오 클러스터 간 연계를 강화하는 방안을 {month}월 발표할 예정이다.",
    "체외진단 의료기기 허가 건수는 최근 {n}년 새 두 배 가까이 늘었다.",
    "의료기기 수출액은 올해 {q}분기 {big}억원을 기록했다.",
    "{co} 관계자는 \"의료기기 인허가 일정이 예상보다 빨라졌다\"고 전했다.",
    "디지털의료기기법 시행으로 소프트웨어 제품의 허가 경로가 새로 마련됐다.",
    "의료기기 규제과학 전문인력 양성 과정에는 올해 {num}명이 등록했다.",
    "중소 의료기기 기업의 {pct}%가 임상시험 비용을 가장 큰 애로로 꼽았다.",
]
OSONG = [
    "충북 오송 첨단의료복합단지에 입주한 {co:은} {month}월 시제품 생산에 들어간다.",
    "오송에는 식약처와 질병관리청 등 보건의료 국책기관이 모여 있다.",
    "{co:은} 오송 생산공장 증설에 {big}억원을 투자한다.",
    "청주시는 오송 바이오클러스터 확장을 위한 부지 조성 공사를 {month}월 착공한다.",
    "오송첨단의료산업진흥재단은 입주 기업의 비임상 시험을 지원하고 있다.",
]
KMEDI = [
    "케이메디허브(대구경북첨단의료산업진흥재단)는 {field} 분야 기업 {n}곳을 골라 전임상 시험을 지원한다.",
    "케이메디허브는 시제품 제작부터 성능 평가까지 원스톱 서비스를 제공한다.",
    "{co:은} 케이메디허브와 공동연구 협약을 맺고 {prod} 성능 개선에 나섰다.",
]
TITLES = [
    "{co}, {prod} {cert} 획득",
    "{inst}, {field} 기업 지원사업 {n}차 모집",
    "{place}시, {field} 공동장비센터 {month}월 개소",
    "{co}, {country}에 {prod} {big}억원 수출 계약",
    "[기획] {field} 시장, '{topic}'이 승부처",
    "[인터뷰] {name} {co} {pos} \"{quote}\"",
    "{hosp}, {disease} 예측 AI 진료 현장 도입",
    "{co}, 시리즈{series} {big}억원 투자 유치…{prod} 고도화",
    "{inst}, '{topic}' {event} {day}일 개최",
    "{co}·{hosp}, {field} 차세대 제품 공동 개발 협약",
    "{disease} 진단 {prod}, 정확도 {pct}%대 입증",
    "{co}, {q}분기 영업이익 {big}억원…전년比 {pct}%↑",
]
DEVICE_TITLES = [
    "{co}, 의료기기 {cert} 획득…{country} 진출 속도",
    "식약처, 혁신의료기기 {n}건 지정…'{prod}' 포함",
    "{place} 의료기기 클러스터, 입주기업 {num}곳 돌파",
]
OSONG_TITLES = ["오송 첨단의료복합단지 입주사 {co}, {prod} 양산 돌입"]
KMEDI_TITLES = ["케이메디허브, {field} 기업 전임상 지원 {n}곳 선정"]
SUBHEADS = [
    "{field} 시장 성장세 뚜렷", "해외 인증이 관건", "현장 반응은", "{year}년까지 {big}억원 투입",
    "남은 과제는", "임상 데이터로 효과 입증", "수출 다변화 속도", "규제 개선 요구 이어져",
    "중소기업 지원 확대", "{country} 시장 공략 본격화",
]
CAPTIONS = [
    "{co} 연구원이 {prod}의 성능을 시험하고 있다.",
    "{day}일 {place}에서 열린 {event}에서 참석자들이 기념촬영을 하고 있다.",
    "{co:이} 개발한 {prod}.",
    "{hosp} 의료진이 {prod:을} 이용해 환자를 검사하고 있다.",
    "{name} {co} {pos:이} {event}에서 발표하고 있다.",
]


_PARTICLES = {"은": ("은", "는"), "이": ("이", "가"), "을": ("을", "를"), "과": ("과", "와")}


def _has_final(word: str) -> bool:
    """Tell whether a word's last Hangul syllable ends in a consonant (받침)."""
    for ch in reversed(word):
        if "가" <= ch <= "힣":
            return (ord(ch) - 0xAC00) % 28 != 0
        if ch.isdigit():
            return ch in "0136789"  # 영, 일, 삼, 육, 칠, 팔, 구
    return False


class Word(str):
    """A slot value that takes its particle from the format spec: ``{co:은}`` → 회사는/기관은.

    ``Q`` before the particle quotes the word first: ``{topic:Q을}`` → '주제'를.
    """

    def __format__(self, spec: str) -> str:
        if not spec:
            return str(self)
        quoted = spec.startswith("Q")
        particle = spec[1:] if quoted else spec
        text = f"'{self}'" if quoted else str(self)
        with_final, without = _PARTICLES[particle]
        return text + (with_final if _has_final(self) else without)


class _Slots(dict[str, str]):
    """format_map mapping that draws each slot on first use."""

    def __init__(self, rng: random.Random, entities: dict[str, str]) -> None:
        super().__init__()
        self.rng = rng
        self.entities = entities

    def __missing__(self, key: str) -> str:
        base = key.rstrip("0123456789")
        if key in _ENTITIES:
            if key not in self.entities:
                self.entities[key] = Word(_PICK[base](self.rng))
            return self.entities[key]
        return Word(_PICK[base](self.rng))


@dataclass(frozen=True)
class Flags:
    """Which controlled terms an article may contain."""

    device: bool = False
    osong: bool = False
    kmedi: bool = False


def draw_flags(rng: random.Random) -> Flags:
    """Draw the controlled-term flags of one article."""
    return Flags(device=rng.random() < P_DEVICE, osong=rng.random() < P_OSONG,
                 kmedi=rng.random() < P_KMEDI)


class Writer:
    """Writes the sentences, title and caption of one article (consistent entities)."""

    def __init__(self, rng: random.Random, flags: Flags) -> None:
        self.rng = rng
        self.flags = flags
        self.entities: dict[str, str] = {}
        self.used: set[str] = set()

    def fill(self, template: str) -> str:
        """Fill a template's slots."""
        return template.format_map(_Slots(self.rng, self.entities))

    def title(self) -> str:
        """A headline; flagged articles often carry their term in it."""
        rng, flags = self.rng, self.flags
        pool = TITLES
        if flags.kmedi and rng.random() < 0.5:
            pool = KMEDI_TITLES
        elif flags.osong and rng.random() < 0.5:
            pool = OSONG_TITLES
        elif flags.device and rng.random() < 0.4:
            pool = DEVICE_TITLES
        return self.fill(rng.choice(pool))

    def sentence(self) -> str:
        """One body sentence."""
        rng, flags = self.rng, self.flags
        roll = rng.random()
        pool = GENERAL
        if flags.kmedi and roll < 0.04:
            pool = KMEDI
        elif flags.osong and roll < 0.08:
            pool = OSONG
        elif flags.device and roll < 0.18:
            pool = DEVICE
        template = rng.choice(pool)
        for _ in range(3):  # avoid repeating a sentence pattern within one article
            if template not in self.used:
                break
            template = rng.choice(pool)
        self.used.add(template)
        return self.fill(template)

    def subhead(self) -> str:
        """A short subheading inside the body."""
        return self.fill(self.rng.choice(SUBHEADS))

    def caption(self) -> str:
        """A photo caption."""
        return self.fill(self.rng.choice(CAPTIONS))

    def paragraphs(self, min_chars: int, max_chars: int) -> list[str]:
        """Paragraphs of 1-3 sentences totalling between min_chars and max_chars characters.

        The first paragraph carries at least one sentence of each flagged term, so that a flag
        always means a hit.
        """
        rng = self.rng
        target = rng.randint(min_chars, max_chars)
        first: list[str] = []
        if self.flags.kmedi:
            first.append(self.fill(rng.choice(KMEDI)))
        if self.flags.osong:
            first.append(self.fill(rng.choice(OSONG)))
        if self.flags.device:
            first.append(self.fill(rng.choice(DEVICE)))
        first.append(self.sentence())
        paras = [" ".join(first)]
        total = len(paras[0])
        while total < target:
            para = " ".join(self.sentence() for _ in range(rng.randint(1, 3)))
            if total + len(para) > max_chars and total >= min_chars:
                break
            paras.append(para)
            total += len(para) + 1
        return paras


def person(rng: random.Random) -> str:
    """A Korean full name."""
    return _name(rng)


def sentence_for(rng: random.Random) -> str:
    """One unflagged general sentence (list summaries, sidebars)."""
    return Writer(rng, Flags()).sentence()
