"""Follow-up demo history (``flask demo followup``): past shows of both demo units with their calls
and what became of them, so the desks, the callback desk and the ranking have something real to
show.

For 市司法局 and 市住房和城乡建设局, two past sessions each in the last five weeks: guests (the head
of the unit present at some), six or seven calls each as the producer and the clerk recorded them,
the unsettled ones converted into cases the usual way (``conversion.convert_session``), and each
case taken along a realistic path through ``workflow.perform`` by the demo users: accepted, handled,
a reply drafted, reviewed (one returned to its drafter), the citizen answered, called back (满意,
基本满意, 不满意 → redone), settled; some left overdue with reminders and a supervision notice, one
returned as not the unit's matter, one waiting for an extension decision, one whose citizen says
nobody contacted them, and two answered yesterday whose result callback is due today.

The actions happen now, but the story happened on the days after each show: after every step the
times it wrote (received, answered, settled, the callback's, the notice's, the history line's) are
set to the day the step belongs to, and deadlines are counted from those days with the programme's
policy. The history lines are append-only for the application; the demo loader writes their time
once, right after creating them, with a plain UPDATE, because it is seeding a past that the
application would otherwise date today.

Idempotent: nothing is done once any case exists.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from broadcast.models import AirSession, Guest, SessionState, Unit
from console.demo import OTHER_UNIT, load_demo
from console.models import AirRecord, Call, CallState, Channel, Outcome
from console.summary import session_summary
from core import clock
from core.accounts import User
from core.db import utcnow
from core.extensions import db
from core.matter import Category, Satisfaction
from followup.conversion import convert_session
from followup.models import Callback, CallbackKind, Case, CaseEvent, Extension, Notice
from followup.policy import policy_for
from followup.workflow import perform, set_due

C = Category
O = Outcome  # noqa: E741
SAT, BASIC, UNSAT = Satisfaction.SATISFIED, Satisfaction.BASIC, Satisfaction.UNSATISFIED


@dataclass
class DemoCall:
    name: str
    number: str
    category: Category
    subject: str
    details: str
    district: str = ""
    aired: bool = True
    outcome: Outcome | None = None
    answer: str = ""
    commitment: tuple[str, int, str] | None = None  # what, days after the show, how
    satisfaction: Satisfaction | None = None
    path: str = ""  # what happens to its case (see _PATHS); "" for a call settled on air
    replies: list[str] = field(default_factory=list)  # drafts in order (a returned one first)


@dataclass
class DemoSession:
    unit: str
    weeks_ago: int
    topic: str
    head_present: bool
    guests: list[tuple[str, str, bool]]  # name, title, is head
    calls: list[DemoCall]


JUSTICE = "市司法局"

# fmt: off
SESSIONS = [
    DemoSession(
        JUSTICE,
        5,
        "法律援助与人民调解",
        True,
        [("王建国", "市司法局局长", True), ("张强", "法律援助中心主任", False),
         ("刘静", "人民调解科科长", False)],
        [
            DemoCall(
                "张桂兰", "13805710231", C.HELP, "八旬老人申请法律援助遭推诿",
                "母亲82岁，被拖欠房屋租金两年，到区法律援助中心申请三次，工作人员只说材料不全，不说缺什么。",
                "上城区", outcome=O.COMMITMENT,
                answer="老年人申请法律援助可免予经济困难审查，中心将派人上门受理。",
                commitment=("法律援助中心主任带队上门受理申请", 3, "先电话联系，再上门"),
                satisfaction=BASIC, path="settled_satisfied",
                replies=["法律援助中心主任张强带两名工作人员上门，当场受理张桂兰母亲的法律援助申请，"
                         "免予经济困难审查，已指派浙江某律师事务所李律师代理租金追索，律师已与当事人面谈。"],
            ),
            DemoCall(
                "刘建军", "13906711872", C.COMPLAINT, "人民调解员调解时偏袒一方",
                "与邻居因排水沟纠纷申请社区调解，调解员是对方亲戚，没有回避，调解协议对我不公平。",
                "拱墅区", outcome=O.FOLLOWUP, answer="调解员与当事人有亲属关系应当回避，会后核查。",
                satisfaction=UNSAT, path="redo_then_settled",
                replies=["经人民调解科核查，该调解员与对方当事人系表亲，应回避而未回避，已责令其写出书面检查，"
                         "并撤销原调解协议。",
                         "人民调解科另行指派街道人民调解委员会主任重新调解，重新调解后双方达成新协议：排水沟由双方共同出资"
                         "改道，费用各半，已现场施工完毕；原调解员已调离调解岗位。"],
            ),
            DemoCall(
                "陈美华", "13757102246", C.ENQUIRY, "继承公证需要哪些材料",
                "父亲去世，房产要过户到子女名下，想知道继承公证要带什么材料。", "西湖区", outcome=O.ANSWERED,
                answer="需死亡证明、亲属关系证明、房产证和全部继承人身份证，材料齐全15个工作日内办结。",
                satisfaction=SAT,
            ),
            DemoCall(
                "王德福", "13588009912", C.COMPLAINT, "律师事务所收费后不办事",
                "2月委托某律所代理劳动仲裁，已付代理费8000元，律师三个月未提交仲裁申请，电话也联系不上。",
                "滨江区", outcome=O.FOLLOWUP, answer="律师管理科会后调查该律所，给您书面答复。",
                satisfaction=BASIC, path="settled_late_basic",
                replies=["律师管理科约谈该律所主任和承办律师，查实律师未按约定提交仲裁申请，律所已退还代理费8000元"
                         "至王德福账户，并对承办律师立案调查，拟给予行业处分。"],
            ),
            DemoCall(
                "赵丽", "15158803317", C.HELP, "社区矫正对象就业帮扶",
                "儿子在社区矫正期间找不到工作，想问司法所能不能帮忙介绍就业培训。", "余杭区", aired=False,
                path="overdue_supervised",
            ),
            DemoCall(
                "孙志强", "13606501188", C.REPORT, "有人冒充律师在法院门口揽案",
                "中院门口有人自称律师发名片揽案，收了我朋友两千元咨询费后就找不到人了。", "上城区",
                aired=False,
                path="settled_satisfied",
                replies=["经核查，名片上的“律师”未在我市执业律师名册内，已将线索移交公安机关立案侦查，"
                         "并在中院门口设置公共法律服务咨询台，提醒群众通过12348核实律师身份。"],
            ),
            DemoCall(
                "", "", C.SUGGESTION, "建议在乡镇设立公共法律服务点",
                "农村老人到城里咨询法律问题不方便。", "淳安县", outcome=O.EXPLAINED,
                answer="全市已有公共法律服务工作站覆盖所有乡镇，年内实现村级法律顾问全覆盖。",
                satisfaction=SAT,
            ),
        ],
    ),
    DemoSession(
        OTHER_UNIT,
        4,
        "物业管理与老旧小区改造",
        False,
        [("陈志远", "市住房和城乡建设局局长", True), ("郑凯", "物业管理科科长", False)],
        [
            DemoCall(
                "李淑珍", "13819196620", C.COMPLAINT, "物业公司擅自上涨物业费",
                "小区物业费从每平方米1.2元涨到1.8元，没有经过业主大会表决。", "拱墅区", outcome=O.FOLLOWUP,
                answer="物业费调整须经业主大会同意，物业管理科会后调查。", satisfaction=UNSAT,
                path="settled_satisfied",
                replies=["物业管理科约谈该物业公司，确认其涨价未经业主大会表决，已责令恢复原收费标准每平方米1.2元，"
                         "多收的费用在下月物业费中抵扣，并由街道牵头召开业主大会。"],
            ),
            DemoCall(
                "马志刚", "13600571234", C.HELP, "老旧小区加装电梯补贴迟迟未到账",
                "去年底电梯已经装好验收，申请的20万元补贴到现在还没拨付。", "上城区", outcome=O.COMMITMENT,
                answer="补贴审核已到最后环节。",
                commitment=("完成补贴审核并拨付到位", 25, "拨付后短信告知"), satisfaction=BASIC,
                path="settled_commitment",
                replies=["经核查，该小区加装电梯补贴因验收报告缺少消防意见暂停审核；我局协调消防部门补齐意见后，"
                         "20万元补贴已于本月拨付至小区加装电梯专户，并短信告知申请人。"],
            ),
            DemoCall(
                "林芳", "15888807766", C.COMPLAINT, "小区消防通道被违规占用停车",
                "每天晚上消防通道停满车，物业说管不了，万一着火消防车进不来。", "西湖区", outcome=O.FOLLOWUP,
                answer="会后联合消防部门现场检查。", satisfaction=UNSAT, path="redo_open",
                replies=["物业管理科会同消防救援大队于周三晚现场检查，对占用消防通道的12辆车张贴告知书，"
                         "责令物业在通道两端设置隔离桩和禁停标识。"],
            ),
            DemoCall(
                "高文斌", "13732165498", C.ENQUIRY, "商品房交房延期能否索赔",
                "合同约定去年12月交房，开发商拖了三个月。", "滨江区", outcome=O.ANSWERED,
                answer="可按合同约定主张逾期交房违约金，协商不成可向法院起诉。", satisfaction=SAT,
            ),
            DemoCall(
                "邓晓梅", "13516890231", C.COMPLAINT, "楼上漏水物业不管",
                "楼上卫生间漏水把我家天花板泡坏了，找物业三次都说不归他们管。", "余杭区", aired=False,
                path="settled_late_basic",
                replies=["物业管理科督促物业公司上门查明漏水原因为楼上卫生间防水层破损，已由楼上住户委托维修，"
                         "物业公司协调修复了邓女士家的天花板，双方签订了维修确认书。"],
            ),
            DemoCall(
                "罗永清", "13867450987", C.COMPLAINT, "建筑工地夜间施工噪音扰民",
                "旁边工地每天晚上十一点后还在浇混凝土，没有夜间施工许可公示。", "萧山区", aired=False,
                path="overdue_reminded",
            ),
            DemoCall(
                "朱建新", "13958172606", C.REPORT, "开发商无证预售",
                "某楼盘还没拿到预售许可证就收“意向金”五万元。", "临平区", outcome=O.FOLLOWUP,
                answer="无证预售属违法行为，会后立即查处。", satisfaction=BASIC, path="settled_satisfied",
                replies=["经执法检查，该开发商在未取得预售许可证的情况下收取意向金，已责令停止销售、限期退还"
                         "全部意向金共86户，并依法处以罚款；购房人可凭收据到售楼处办理退款。"],
            ),
        ],
    ),
    DemoSession(
        JUSTICE,
        3,
        "公证服务与社区矫正",
        False,
        [("王建国", "市司法局局长", True), ("李红", "市司法局副局长", False),
         ("吴涛", "公证管理科科长", False)],
        [
            DemoCall(
                "黄秀英", "13867120345", C.ENQUIRY, "公证处办理房产继承公证排队太久",
                "早上六点去排队还是拿不到号，能不能网上预约？", "上城区", outcome=O.FOLLOWUP,
                answer="公证处将开通网上预约，具体时间会后答复。", satisfaction=BASIC,
                path="answered_yesterday",
                replies=["市公证处已于本月开通“浙里办”网上预约，每天放号120个，继承公证可预约上午或下午时段；"
                         "已电话告知黄女士预约方法并为其预约了下周二上午的号。"],
            ),
            DemoCall(
                "周海涛", "13957188021", C.COMPLAINT, "社区矫正外出请假审批超时",
                "父亲病危要回老家，向司法所请假一周了还没批下来。", "拱墅区", outcome=O.COMMITMENT,
                answer="外出请假7日内由司法所批准，会后马上督促。",
                commitment=("5个工作日内答复外出审批结果", 7, "电话告知"), satisfaction=UNSAT,
                path="nobody_contacted",
            ),
            DemoCall(
                "吴晓燕", "15067112299", C.HELP, "遭遇家暴想申请人身安全保护令",
                "丈夫经常打我，想知道怎么申请保护令。", "西湖区", outcome=O.ANSWERED,
                answer="可直接向法院申请人身安全保护令，法律援助中心可指派律师免费代理。", satisfaction=SAT,
            ),
            DemoCall(
                "郑国平", "13705819873", C.COMPLAINT, "调解协议对方不履行",
                "去年在司法所调解达成赔偿协议，对方至今不付钱。", "富阳区", aired=False, path="drafted",
                replies=["经司法所联系，对方当事人承认协议内容，已于本周支付赔偿款第一期5000元，其余1万元承诺月底前"
                         "付清；如不履行，可持经司法确认的调解协议申请法院强制执行。"],
            ),
            DemoCall(
                "冯丽娟", "13989456120", C.COMPLAINT, "劳动仲裁立案后迟迟不开庭",
                "去年11月申请劳动仲裁，立案后一直没有开庭通知。", "滨江区", aired=False, path="returned",
            ),
            DemoCall(
                "何建华", "13675812230", C.COMPLAINT, "公证员接待态度生硬",
                "办理委托公证时公证员不耐烦，材料退回三次也不一次说清楚。", "临平区", outcome=O.FOLLOWUP,
                answer="公证管理科会后调查，一次性告知所需材料。", satisfaction=UNSAT,
                path="settled_after_review",
                replies=["经调查，该公证员接待时态度确实不够耐心，我科已对其进行批评教育，今后将进一步加强窗口管理。",
                         "公证管理科调取接待录像核实，该公证员确有未一次性告知的问题，已对其批评教育并扣发当月绩效；"
                         "公证处已印发《委托公证一次性告知单》，何先生的委托公证已于3日内办结。"],
            ),
        ],
    ),
    DemoSession(
        OTHER_UNIT,
        1,
        "住房保障与建筑市场",
        True,
        [("陈志远", "市住房和城乡建设局局长", True), ("许文", "市住房和城乡建设局副局长", False)],
        [
            DemoCall(
                "胡春燕", "13655713321", C.HELP, "公租房申请审核结果迟迟不出",
                "三个月前提交公租房申请，街道说已经报到市里，一直没有结果。", "上城区", outcome=O.FOLLOWUP,
                answer="会后查询审核进度并答复。", satisfaction=BASIC, path="extension_pending",
            ),
            DemoCall(
                "徐志明", "13757190082", C.COMPLAINT, "小区维修基金使用情况不公开",
                "业委会动用维修基金换外墙，不公布明细。", "拱墅区", outcome=O.COMMITMENT,
                answer="维修基金使用应当公示。",
                commitment=("两周内督促公布维修基金使用明细", 14, "在小区公告栏和业主群公示"),
                satisfaction=UNSAT, path="drafted",
                replies=["物业管理科约谈业委会主任，已督促其在小区公告栏和业主微信群公示外墙维修工程的维修基金"
                         "使用明细共计68.5万元，包括招标文件、合同和审计报告，公示期15天。"],
            ),
            DemoCall(
                "曹丽萍", "15906716654", C.ENQUIRY, "二手房过户网签流程",
                "二手房买卖想自己办网签，需要哪些步骤？", "西湖区", outcome=O.ANSWERED,
                answer="可在存量房交易服务平台自行网签，再到不动产登记中心一窗办理。", satisfaction=SAT,
            ),
            DemoCall(
                "彭建国", "13588120976", C.COMPLAINT, "农民工工资被建筑企业拖欠",
                "在某项目干了半年，老板拖欠我们十几个人工资二十多万元。", "萧山区", aired=False,
                path="answered_yesterday",
                replies=["建筑市场科约谈施工总承包企业，从其农民工工资专用账户中代发拖欠的工资共计23.6万元，"
                         "已于本周全部发放到15名工人的银行卡，并将该劳务分包企业列入建筑市场信用黑名单。"],
            ),
            DemoCall(
                "谢婷", "13968045527", C.HELP, "老旧小区改造施工质量差",
                "改造后的楼道墙面一个月就起皮脱落，雨天还漏水。", "余杭区", aired=False, path="assigned",
            ),
            DemoCall(
                "韩磊", "13819023344", C.COMPLAINT, "物业不给开具物业费发票",
                "交了物业费，物业公司说发票要等年底统一开。", "滨江区", outcome=O.FOLLOWUP,
                answer="物业公司应在收费时开具发票。", satisfaction=BASIC, path="settled_quick",
                replies=["物业管理科已责令该物业公司当场为韩先生开具全年物业费发票，并要求其今后收费时同步"
                         "开具发票，在服务中心公示开票流程，接受业主监督。"],
            ),
        ],
    ),
]
# fmt: on


# --- the story of one case ----------------------------------------------------------------------
class _Story:
    """Takes one case along its path, each step on its day after the show."""

    def __init__(self, case: Case, spec: DemoCall, air: date, today: date, users: dict[str, User]) -> None:
        self.case, self.spec, self.air, self.today = case, spec, air, today
        self.unit_people = ("handler", "reviewer") if case.unit.name == JUSTICE else ("handler2", "reviewer2")
        self.users = users
        self.policy = policy_for(case.programme_id)
        self.drafts = list(spec.replies)

    @property
    def handler(self) -> User:
        return self.users[self.unit_people[0]]

    @property
    def reviewer(self) -> User:
        return self.users[self.unit_people[1]]

    def moment(self, days: int, hour: int = 10) -> datetime:
        """``days`` after the show at ``hour`` station time; never later than now."""
        day = min(self.air + timedelta(days=days), self.today)
        local = datetime.combine(day, time(hour), tzinfo=clock.zone())
        return min(local.astimezone(UTC), utcnow())

    def do(
        self, action: str, actor: User, days: int, data: dict[str, Any] | None = None, hour: int = 10
    ) -> None:
        when = self.moment(days, hour)
        perform(self.case, action, actor, data)
        self._date_last_event(when)
        self._date_what_it_wrote(action, when)
        db.session.commit()

    def _date_last_event(self, when: datetime) -> None:
        last = db.session.scalar(select(func.max(CaseEvent.id)).where(CaseEvent.case_id == self.case.id))
        _backdate_event(last, when)

    def _date_what_it_wrote(self, action: str, when: datetime) -> None:
        case = self.case
        if action == "draft":
            case.replies[-1].drafted_at = when
        elif action in ("approve", "return_to_drafter"):
            case.replies[-1].reviewed_at = when
        elif action == "answer":
            case.answered_at = when
            for callback in self._pending(CallbackKind.RESULT):
                callback.due_on = clock.local_date(when) + timedelta(days=1)
        elif action == "settle":
            case.settled_at = when
        elif action in ("remind", "supervise"):
            case.notices[-1].sent_at = when
        elif action == "request_extension":
            case.extensions[-1].requested_at = when

    def _pending(self, kind: CallbackKind) -> list[Callback]:
        return [c for c in self.case.callbacks if c.kind == kind and c.done_at is None]

    def callback(self, kind: CallbackKind, days: int, **data: Any) -> None:
        pending = self._pending(kind)
        if not pending:
            return
        when = self.moment(days, 15)
        redo_before = self.case.redo_count
        perform(
            self.case,
            "callback",
            self.users["callback"],
            {"callback_id": pending[0].id, "channel": "phone", **data},
        )
        self._date_last_event(when)
        pending[0].done_at = when
        if kind == CallbackKind.LOOKBACK and data.get("fulfilled"):
            self.case.commitment_fulfilled_on = clock.local_date(when)
        if self.case.redo_count > redo_before:
            # Sent back to redo on that day: the redo deadline counts from it.
            set_due(self.case, clock.local_date(when), self.policy, redo=True)
        db.session.commit()

    def lookback(self, days: int) -> None:
        """The weekly look-back the daily duty scheduled on ``days``, made that day: commitment kept."""
        if not self.case.commitment_open:
            return
        due = self.air + timedelta(days=days)
        perform(self.case, "lookback_scheduled", None, {"due_on": due.isoformat()}, system=True)
        self._date_last_event(self.moment(days, 8))
        db.session.commit()
        self.callback(CallbackKind.LOOKBACK, days, fulfilled=True, note="已核实承诺事项办结")

    # Steps that come back in several paths.
    def handle(self, start: int) -> None:
        """Accepted the day after the show, started on ``start``; the process callback on day 2."""
        self.do("accept", self.handler, 1, hour=9)
        if start > 2:
            self.callback(CallbackKind.PROCESS, 2, contacted=True, note="承办人已电话联系")
        self.do("start", self.handler, start, hour=11)
        if start <= 2:
            self.callback(CallbackKind.PROCESS, 2, contacted=True, note="承办人已电话联系")

    def reply(self, day: int, approve: bool = True) -> None:
        self.do("draft", self.handler, day, {"body": self.drafts.pop(0)}, hour=16)
        if approve:
            self.do("approve", self.reviewer, day + 1, {"note": "同意答复"}, hour=10)

    def answer(self, day: int, hour: int = 14) -> None:
        self.do("answer", self.handler, day, {"channel": "phone", "note": "电话答复市民"}, hour=hour)

    def settle(self, answer_day: int, satisfaction: Satisfaction) -> None:
        self.callback(CallbackKind.RESULT, answer_day + 1, satisfaction=str(satisfaction), note="回访市民")
        self.lookback(answer_day + 1)
        self.do("settle", self.users["oversight"], answer_day + 2, {"note": "办结归档"}, hour=17)


def _settled(satisfaction: Satisfaction, answer_day: int = 8) -> Any:
    def path(s: _Story) -> None:
        s.handle(2)
        s.reply(answer_day - 2)
        s.answer(answer_day)
        s.settle(answer_day, satisfaction)

    return path


def _settled_commitment(s: _Story) -> None:
    s.handle(2)
    s.reply(10)
    s.answer(12)
    s.callback(CallbackKind.RESULT, 13, satisfaction=str(SAT), note="补贴已到账")
    s.lookback(25)
    s.do("settle", s.users["oversight"], 26, {"note": "承诺事项已兑现，办结"}, hour=17)


def _redo_then_settled(s: _Story) -> None:
    s.handle(2)
    s.reply(5)
    s.answer(7)
    s.callback(CallbackKind.RESULT, 8, satisfaction=str(UNSAT), note="市民认为只处理了调解员，纠纷没解决")
    # Redone within the two working days a redo gets (the show is on a Wednesday: day 12 is a Monday).
    s.do("start", s.handler, 9)
    s.reply(9)
    s.answer(12)
    s.settle(12, SAT)


def _redo_open(s: _Story) -> None:
    s.handle(2)
    s.reply(6)
    s.answer(8)
    s.callback(CallbackKind.RESULT, 16, satisfaction=str(UNSAT), note="晚上仍有车辆占用消防通道，隔离桩没装")


def _overdue(supervised: bool) -> Any:
    def path(s: _Story) -> None:
        s.callback(CallbackKind.PROCESS, 2, contacted=True, note="司法所已联系")
        s.do("accept", s.handler, 1, hour=9)
        if supervised:
            s.do("start", s.handler, 3)
        overdue_by = (s.today - s.case.due_on).days
        if overdue_by >= 1:
            s.do(
                "remind",
                s.users["oversight"],
                (s.case.due_on - s.air).days + 1,
                {"message": "已逾期，请尽快办理"},
            )
        if supervised and overdue_by >= 5:
            s.do("supervise", s.users["oversight"], (s.case.due_on - s.air).days + 5,
                 {"message": "该件逾期未办结，请于3个工作日内书面报告办理情况"})  # fmt: skip

    return path


def _answered_yesterday(s: _Story) -> None:
    s.handle(1)
    yesterday = (s.today - s.air).days - 1
    s.reply(max(yesterday - 2, 2))
    s.answer(yesterday, hour=15)


def _nobody_contacted(s: _Story) -> None:
    s.do("accept", s.handler, 1, hour=9)
    s.callback(CallbackKind.PROCESS, 2, contacted=False, note="市民称至今无人联系")
    s.do("start", s.handler, 3)


def _drafted(s: _Story) -> None:
    s.handle(1)
    s.reply(min(4, (s.today - s.air).days), approve=False)


def _returned(s: _Story) -> None:
    s.do(
        "return",
        s.handler,
        1,
        {"reason": "劳动人事争议仲裁由市人力资源和社会保障局负责，不属我局职责，请改派。"},
    )


def _settled_after_review(s: _Story) -> None:
    s.handle(2)
    s.reply(4, approve=False)
    s.do("return_to_drafter", s.reviewer, 5, {"reason": "回复太简单，要写明核查经过、处理结果和整改措施"})
    s.reply(6)
    s.answer(8)
    s.settle(8, BASIC)


def _extension_pending(s: _Story) -> None:
    s.handle(1)
    if clock.today() <= s.case.due_on:
        s.do("request_extension", s.handler, (s.today - s.air).days, {
            "reason": "公租房资格需民政、公安、不动产等部门联合核查，预计还需15天",
            "requested_due": (s.case.due_on + timedelta(days=15)).isoformat(),
        })  # fmt: skip


_PATHS = {
    "settled_satisfied": _settled(SAT),
    "settled_late_basic": _settled(BASIC, answer_day=19),
    "settled_quick": _settled(BASIC, answer_day=4),
    "settled_commitment": _settled_commitment,
    "redo_then_settled": _redo_then_settled,
    "redo_open": _redo_open,
    "overdue_supervised": _overdue(True),
    "overdue_reminded": _overdue(False),
    "answered_yesterday": _answered_yesterday,
    "nobody_contacted": _nobody_contacted,
    "drafted": _drafted,
    "returned": _returned,
    "settled_after_review": _settled_after_review,
    "extension_pending": _extension_pending,
    "assigned": lambda s: None,
}


# --- loading ------------------------------------------------------------------------------------
def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=clock.zone()).astimezone(UTC)


def _air_date(today: date, weeks_ago: int) -> date:
    """The Wednesday (the programme's day) of the week ``weeks_ago`` weeks back."""
    day = today - timedelta(weeks=weeks_ago)
    return day - timedelta(days=day.weekday() - 2)


def _session(
    spec: DemoSession, programme_id: int, unit: Unit, air: date, users: dict[str, User]
) -> AirSession:
    session = AirSession(
        programme_id=programme_id,
        unit_id=unit.id,
        air_date=air,
        start_time=time(9),
        end_time=time(10),
        topic=spec.topic,
        state=SessionState.ENDED,
        went_live_at=_at(air, 8, 59),
        ended_at=_at(air, 10, 2),
    )
    session.guests = [
        Guest(name=name, title=title, is_head=head, present=spec.head_present or not head)
        for name, title, head in spec.guests
    ]
    db.session.add(session)
    db.session.flush()
    for i, c in enumerate(spec.calls):
        arrived = _at(air, 9, 2 + 8 * i)
        call = Call(
            session_id=session.id,
            channel=Channel.PHONE if c.aired or i % 2 else Channel.WEB,
            state=CallState.DONE,
            line=str(i % 4 + 1) if c.aired else None,
            caller_number=c.number or None,
            arrived_at=arrived,
            picked_at=arrived + timedelta(seconds=40),
            finished_at=arrived + timedelta(minutes=7),
            screened_by_id=users["producer"].id,
            caller_name=c.name,
            district=c.district,
            contact_number=c.number,
            category=c.category,
            unit_id=unit.id,
            subject=c.subject,
            details=c.details,
            anonymous=not c.name,
            consent_publish=bool(c.name) and i % 3 != 1,
        )
        if c.aired:
            call.ready_at = arrived + timedelta(minutes=1)
            call.aired_at = arrived + timedelta(minutes=2)
            call.air_ended_at = arrived + timedelta(minutes=6)
            what, due_days, how = c.commitment or ("", 0, "")
            call.air_record = AirRecord(
                outcome=c.outcome,
                answer=c.answer,
                commitment_what=what,
                commitment_due=air + timedelta(days=due_days) if c.commitment else None,
                commitment_how=how,
                satisfaction=c.satisfaction,
                recorded_by_id=users["clerk"].id,
            )
        db.session.add(call)
    db.session.flush()
    session.summary = session_summary(session)
    db.session.commit()
    return session


def _received_on_air_day(case: Case, air: date) -> None:
    """Conversion dates a case today; these were made when their show ended."""
    case.received_on = air
    case.assigned_at = case.created_at = _at(air, 10, 5)
    set_due(case, air, policy_for(case.programme_id))
    for callback in case.callbacks:
        if callback.kind == CallbackKind.PROCESS and callback.done_at is None:
            callback.due_on = air + timedelta(days=2)
    created = db.session.scalar(select(func.min(CaseEvent.id)).where(CaseEvent.case_id == case.id))
    _backdate_event(created, case.assigned_at)


def _backdate_event(event_id: int | None, when: datetime) -> None:
    """Date a history line the demo invented on the day its story puts it. History is append-only
    (followup/models.py); this explicit option is the demo's only way around it."""
    db.session.execute(
        update(CaseEvent).where(CaseEvent.id == event_id).values(at=when),
        execution_options={"synchronize_session": False, "demo_backdating": True},
    )


def load_followup_demo(today: date | None = None) -> int:
    """Past shows of both demo units and their cases; returns how many cases were made (0 when
    any case already exists)."""
    today = today or clock.today()
    load_demo(today)
    if db.session.scalar(select(Case.id).limit(1)) is not None:
        return 0
    users = {u.username: u for u in db.session.scalars(select(User))}
    programme_id = db.session.scalar(select(AirSession.programme_id).limit(1))
    made = 0
    for spec in SESSIONS:
        unit = db.session.scalar(select(Unit).where(Unit.name == spec.unit))
        assert unit is not None and programme_id is not None
        air = _air_date(today, spec.weeks_ago)
        session = _session(spec, programme_id, unit, air, users)
        converted = convert_session(session, users["oversight"])
        for case in converted.created + converted.duplicates:
            _received_on_air_day(case, air)
        db.session.commit()
        by_call = {case.call_id: case for case in converted.created}
        calls = db.session.scalars(select(Call).where(Call.session_id == session.id).order_by(Call.id)).all()
        for call, c in zip(calls, spec.calls, strict=True):
            case = by_call.get(call.id)
            if case is not None and c.path:
                _PATHS[c.path](_Story(case, c, air, today, users))
                made += 1
    return made


def demo_summary() -> dict[str, Counter[str]]:
    """Cases per unit and state, for the command's output."""
    counts: dict[str, Counter[str]] = {}
    for unit_name, state in db.session.execute(
        select(Unit.name, Case.state).join(Case, Case.unit_id == Unit.id)
    ):
        counts.setdefault(unit_name, Counter())[str(state)] += 1
    return counts


@click.command("followup", help="Past shows of the demo units with their follow-up cases (idempotent).")
@with_appcontext
def followup_demo_cli() -> None:
    made = load_followup_demo()
    if not made:
        click.echo("Cases exist already; nothing loaded.")
        return
    click.echo(f"{made} follow-up cases from four past shows:")
    for unit_name, states in demo_summary().items():
        click.echo(f"  {unit_name}: " + ", ".join(f"{state} {n}" for state, n in sorted(states.items())))
    pending = db.session.scalar(select(func.count(Extension.id)).where(Extension.state == "pending"))
    notices = db.session.scalar(select(func.count(Notice.id)))
    click.echo(f"  extension requests waiting: {pending}; reminders and supervision notices: {notices}")
