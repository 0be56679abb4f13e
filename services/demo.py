"""Demo data for the console chat: fictional craftsmen, service teams, a competition, a course, and a few months of
finished services (so /stats and /export have something to show).

Every name here is invented. Loaded only into an empty talent pool.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from decimal import Decimal

from db.models import (Competition, Course, CourseSession, Craftsman, CraftsmanIndustry, Demand, DemandKind,
                       DemandStatus, Enterprise, EventStatus, Feedback, Match, MatchStatus, ServiceTeam, TeamLevel)
from services.clock import Clock
from services.database import Database
from services.demands import ticket_for
from services.talent import search_text

TEAMS = [
    ("浙江省劳模工匠技术服务队", TeamLevel.PROVINCE, "330000", None),
    ("湖州市劳模工匠助企服务队", TeamLevel.CITY, "330500", None),
    ("吴兴区金属加工工匠服务队", TeamLevel.COUNTY, "330502", "C"),
    ("苏州市专家问诊服务队", TeamLevel.CITY, "320500", None),
    ("佛山市制造业工匠服务队", TeamLevel.CITY, "440600", "C"),
    ("南浔区织里镇基层服务队", TeamLevel.GRASSROOTS, "330503", None),
]

# name, workplace, honours, specialities, divisions, region, team index, capacity, service modes
CRAFTSMEN = [
    ("周建华", "湖州某铝业有限公司", ["provincial_model"], ["铝型材挤压", "喷涂与阳极氧化", "表面处理缺陷分析"],
     ["32", "33"], "330502", 2, 3, ["onsite", "remote"]),
    ("沈美琴", "湖州某纺织集团", ["national_model", "master_studio"], ["织机维修", "印染工艺", "童装面料质量"],
     ["17", "18"], "330503", 5, 4, ["onsite", "training"]),
    ("陆国强", "苏州某精密机械公司", ["great_craftsman", "may_day_medal"], ["数控机床调试", "精密加工", "热处理"],
     ["34", "35"], "320505", 3, 2, ["onsite", "joint"]),
    ("顾晓燕", "苏州某电子科技公司", ["provincial_craftsman"], ["SMT贴片工艺", "电子元器件失效分析"],
     ["39"], "320506", 3, 3, ["remote", "training"]),
    ("黄志明", "佛山某电器有限公司", ["city_craftsman"], ["电机绕组", "感应加热设备", "电气控制柜"],
     ["38"], "440604", 4, 3, ["onsite", "remote"]),
    ("梁丽娟", "佛山某陶瓷有限公司", ["provincial_model"], ["陶瓷窑炉节能", "釉料配方"],
     ["30"], "440605", 4, 2, ["onsite"]),
    ("钱卫东", "国网湖州供电公司（示例）", ["may_day_medal"], ["配电线路故障排查", "变压器运维"],
     ["44"], "330502", 1, 3, ["onsite", "training"]),
    ("吴海峰", "杭州某冶金设备公司", ["provincial_craftsman"], ["LF精炼炉维护", "高炉炉缸监测", "水冷电缆"],
     ["31", "32"], "330106", 0, 2, ["onsite", "joint"]),
    ("张春生", "湖州某生态养殖场", ["city_craftsman"], ["生猪养殖", "仔猪腹泻防治", "母猪产后护理与泌乳"],
     ["03"], "330503", 5, 3, ["onsite", "remote"]),
    ("何志远", "绍兴某酒业有限公司", ["provincial_craftsman"], ["白酒与黄酒酿造", "出酒率提升", "啤酒发酵异味控制"],
     ["15"], "330602", 0, 2, ["onsite", "training"]),
    ("唐秀英", "常熟某棉纺有限公司", ["national_model"], ["细纱断头控制", "纱线毛羽治理", "棉花异性纤维清除", "捻度工艺"],
     ["17"], "320581", 3, 3, ["onsite", "training"]),
    ("郑国平", "嘉兴某石化有限公司", ["great_craftsman"], ["精馏塔操作优化", "反应器压差异常处理", "装置腐蚀结垢与泄漏"],
     ["26"], "330402", 0, 2, ["onsite", "joint"]),
    ("许丽华", "杭州某制药有限公司", ["provincial_model"], ["片剂湿法制粒", "压片硬度与松片控制"],
     ["27"], "330110", 0, 2, ["onsite", "training"]),
    ("邓伟", "佛山某塑料制品有限公司", ["city_craftsman"], ["注塑成型缺陷分析", "注塑件缩痕与变形", "模具设计"],
     ["29"], "440606", 4, 3, ["onsite", "remote"]),
    ("韩建军", "安吉某水泥有限公司", ["may_day_medal"], ["水泥回转窑结圈处理", "预分解窑结球", "熟料煅烧"],
     ["30"], "330523", 1, 2, ["onsite"]),
    ("冯丽", "苏州某水务有限公司", ["provincial_craftsman"], ["污水处理工艺", "活性污泥浓度调控", "氨氮超标治理", "加药量控制"],
     ["46"], "320505", 3, 3, ["onsite", "remote"]),
    ("袁建设", "湖州某建工集团", ["city_craftsman"], ["混凝土裂缝防治", "现浇楼板施工", "墙体开裂处理"],
     ["47"], "330502", 1, 3, ["onsite", "training"]),
    ("蔡明", "苏州某汽车维修有限公司", ["great_craftsman"], ["自动变速箱维修", "发动机抖动诊断", "汽车异响排查"],
     ["81"], "320506", 3, 4, ["onsite", "training"]),
    ("曹立新", "佛山某智能装备有限公司", ["provincial_craftsman"], ["机器人焊接工艺", "焊接工装夹具", "食品机械温控"],
     ["35", "34"], "440604", 4, 2, ["onsite", "joint"]),
    ("金宏", "宁波某铸造有限公司", ["city_craftsman"], ["铸件缩孔缩松", "铝合金门窗表面处理", "砂型铸造"],
     ["33"], "330206", 0, 2, ["onsite", "remote"]),
]

# finished services: (enterprise, its region, division, craftsman index, days ago, kind, trained, benefit, stars)
ENTERPRISES = [("苏州某精密零件有限公司（示例）", "320505", "34"), ("苏州某电子有限公司（示例）", "320506", "39"),
               ("湖州某纺织有限公司（示例）", "330502", "17"), ("湖州某建材有限公司（示例）", "330502", "30")]
SERVICES = [(0, 0, 150, DemandKind.PROBLEM, 12, 180_000, 5), (1, 1, 120, DemandKind.PROBLEM, 0, 65_000, 5),
            (2, 3, 95, DemandKind.TRAINING, 40, 0, 4), (0, 0, 70, DemandKind.TRAINING, 25, 0, 5),
            (3, 4, 45, DemandKind.PROBLEM, 6, 320_000, 3), (1, 1, 20, DemandKind.PROBLEM, 8, 42_000, 4),
            (2, 3, 8, DemandKind.PROBLEM, 0, 15_000, None)]
PROBLEM_TEXT = "设备运行中出现异常，影响良品率，请劳模工匠帮助诊断。"
TRAINING_TEXT = "希望为一线职工开展一次岗位技能培训。"


def _local(tz: ZoneInfo, day: datetime, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day.date(), time(hh, mm), tzinfo=tz)


async def load_demo_data(db: Database, clock: Clock, tz: ZoneInfo) -> bool:
    """Fill an empty talent pool with demo teams, craftsmen, a competition and a course; False if not empty."""
    async with db.session() as session:
        if await session.scalar(select(func.count()).select_from(Craftsman)):
            return False
        teams = [ServiceTeam(name=n, level=lvl, region_code=r, industry_section=s) for n, lvl, r, s in TEAMS]
        session.add_all(teams)
        await session.flush()
        craftsmen = [Craftsman(name=name, workplace=workplace, honours=honours, specialities=specialities,
                               region_code=region, team_id=teams[team].id, capacity=capacity, service_modes=modes,
                               phone=None, search_text=search_text(specialities),
                               industries=[CraftsmanIndustry(division=d) for d in divisions])
                     for name, workplace, honours, specialities, divisions, region, team, capacity, modes in CRAFTSMEN]
        session.add_all(craftsmen)
        await _finished_services(session, craftsmen, clock, tz)
        today = clock.now().astimezone(tz)
        session.add(Competition(
            name="湖州市第五届数控车工职业技能竞赛（示例）", industry_section="C", industry_division="34",
            region_code="330500", organiser="湖州市总工会（示例）",
            registration_deadline=_local(tz, today + timedelta(days=14), 17),
            starts_at=_local(tz, today + timedelta(days=30), 9), ends_at=_local(tz, today + timedelta(days=31), 17),
            place="湖州市技师学院实训楼", description="以赛促学，设数控车工、数控铣工两个项目。",
            how_to_register="由所在企业工会统一报名。", status=EventStatus.PUBLISHED, published_at=clock.now()))
        course = Course(name="职工夜校：AI写作入门（示例）", teacher="湖州市职工学校 讲师团", place="湖州市职工文化中心 302 教室",
                        capacity=30, region_code="330500", description="用 AI 写总结、写方案、写通知。",
                        schedule_rule={"days": "tue,thu", "span": "19:00-21:00", "weeks": 4},
                        status=EventStatus.PUBLISHED, published_at=clock.now())
        session.add(course)
        await session.flush()
        day = today + timedelta(days=1)
        while len([s for s in session.new if isinstance(s, CourseSession)]) < 8:
            if day.weekday() in (1, 3):  # Tuesday, Thursday
                session.add(CourseSession(course_id=course.id, starts_at=_local(tz, day, 19), ends_at=_local(tz, day, 21)))
            day += timedelta(days=1)
        return True


async def _finished_services(session, craftsmen: list[Craftsman], clock: Clock, tz: ZoneInfo) -> None:
    """Resolved demands of the last months, each served by a demo craftsman and (mostly) rated."""
    enterprises = [Enterprise(name=n, region_code=r, industry=d) for n, r, d in ENTERPRISES]
    session.add_all(enterprises)
    await session.flush()
    for e, c, days, kind, trained, benefit, stars in SERVICES:
        resolved = clock.now() - timedelta(days=days)
        enterprise = enterprises[e]
        demand = Demand(enterprise_id=enterprise.id, kind=kind, region_code=enterprise.region_code,
                        text=PROBLEM_TEXT if kind is DemandKind.PROBLEM else TRAINING_TEXT,
                        industry=enterprise.industry, status=DemandStatus.RESOLVED,
                        submitted_at=resolved - timedelta(days=12), resolved_at=resolved, workers_trained=trained or None,
                        economic_benefit=Decimal(benefit) if benefit else None, solution_summary="已现场解决（示例）")
        session.add(demand)
        await session.flush()
        demand.ticket = ticket_for(demand.id, demand.submitted_at, tz)
        session.add(Match(demand_id=demand.id, craftsman_id=craftsmen[c].id, status=MatchStatus.ACCEPTED, score=0.8,
                          offered_at=resolved - timedelta(days=11), decided_at=resolved - timedelta(days=10)))
        if stars:
            session.add(Feedback(demand_id=demand.id, from_role="enterprise", stars=stars, created_at=resolved + timedelta(days=1)))
            craftsmen[c].rating_sum += stars
            craftsmen[c].rating_count += 1
