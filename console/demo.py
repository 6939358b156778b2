"""The demo a newcomer clicks through: a programme, a unit with sections, contacts and prepared
Q&A, a session for today and one user per role (``flask demo load``)."""

from __future__ import annotations

from datetime import date, time, timedelta

import click
from flask import current_app
from sqlalchemy import select

from broadcast.models import (
    AirSession,
    ContactRole,
    Guest,
    Material,
    MaterialKind,
    PreparedAnswer,
    Programme,
    Section,
    Unit,
    UnitContact,
)
from core import clock
from core.accounts import Role, User, create_user
from core.extensions import db
from core.labels import label

DEMO_PASSWORD = "hotline-demo"

DEMO_USERS = [
    ("admin", Role.ADMIN, "系统管理员"),
    ("oversight", Role.OVERSIGHT, "纠风办 李主任"),
    ("producer", Role.PRODUCER, "导播 小张"),
    ("producer2", Role.PRODUCER, "导播 小陈"),
    ("host", Role.HOST, "主持人 刘宁"),
    ("official", Role.OFFICIAL, "司法局 王局长"),
    ("clerk", Role.CLERK, "记录员 赵敏"),
    ("handler", Role.UNIT_HANDLER, "司法局 承办人 周洁"),
    ("reviewer", Role.UNIT_REVIEWER, "司法局 法规科 孙伟"),
    ("callback", Role.CALLBACK_AGENT, "回访员 吴芳"),
    ("handler2", Role.UNIT_HANDLER, "住建局 承办人 钱程"),
    ("reviewer2", Role.UNIT_REVIEWER, "住建局 物业科 郑凯"),
]

# A second unit, so a unit's desk can be seen holding only its own cases.
OTHER_UNIT = "市住房和城乡建设局"
OTHER_UNIT_USERS = {"handler2", "reviewer2"}

PREPARED_QA = [
    (
        "家里老人没有钱请律师，怎么申请法律援助？",
        "经济困难的公民可到区县法律援助中心或拨打12348申请，携带身份证和经济困难证明；"
        "老年人、残疾人可预约上门受理，符合条件的3个工作日内指派律师。",
    ),
    (
        "邻里纠纷怎么找人民调解？",
        "可向所在村（社区）人民调解委员会申请，调解不收费；"
        "调解达成的协议可申请法院司法确认，具有强制执行力。",
    ),
    (
        "社区矫正人员外出需要办理什么手续？",
        "社区矫正对象因就医、就学、家庭重大变故等需外出的，应提前向执行地司法所提出申请，"
        "7日以内由司法所批准，超过7日报县级社区矫正机构批准。",
    ),
    (
        "公证处办理继承公证需要多长时间？",
        "材料齐全的继承公证一般在15个工作日内办结；需要核实的另行告知，群众可通过12348热线查询进度。",
    ),
]


def load_demo(today: date | None = None) -> AirSession:
    """Create the demo data unless it is there; return today's session."""
    today = today or clock.today()
    unit = db.session.scalar(select(Unit).where(Unit.name == "市司法局"))
    if unit is None:
        unit = Unit(name="市司法局", short_name="司法局", duty_phone="sip:duty@127.0.0.1:5090")
        unit.sections = [
            Section(name=name)
            for name in ("办公室", "法规科", "法律援助中心", "人民调解科", "社区矫正科", "公证管理科")
        ]
        unit.contacts = [
            UnitContact(role=ContactRole.CHIEF, name="王建国", title="局长", phone="0571-88000001"),
            UnitContact(role=ContactRole.LEAD, name="陈立", title="办公室主任", phone="0571-88000002"),
            UnitContact(role=ContactRole.HANDLER, name="周洁", title="法规科科员", phone="13800000003"),
            UnitContact(role=ContactRole.LIAISON, name="黄磊", title="办公室科员", phone="13800000004"),
        ]
        db.session.add(unit)
    other = db.session.scalar(select(Unit).where(Unit.name == OTHER_UNIT))
    if other is None:
        other = Unit(name=OTHER_UNIT, short_name="住建局", duty_phone="sip:duty-zj@127.0.0.1:5090")
        other.sections = [Section(name=name) for name in ("办公室", "物业管理科", "建筑市场科", "城建档案馆")]
        db.session.add(other)
    programme = db.session.scalar(select(Programme).where(Programme.name == "政风行风热线"))
    if programme is None:
        programme = Programme(
            name="政风行风热线", station="市广播电台", frequency="FM 101.7", time_slot="周三 09:00–10:00"
        )
        db.session.add(programme)
    session = db.session.scalar(
        select(AirSession).where(AirSession.air_date == today, AirSession.unit_id == unit.id)
    )
    if session is None:
        session = AirSession(
            programme=programme,
            unit=unit,
            air_date=today,
            start_time=time(9, 0),
            end_time=time(10, 0),
            topic="法律服务与社区矫正",
        )
        session.guests = [
            Guest(name="王建国", title="市司法局局长", is_head=True),
            Guest(name="李红", title="市司法局副局长"),
            Guest(name="张强", title="法律援助中心主任"),
        ]
        session.materials = [
            Material(
                kind=MaterialKind.FUNCTIONS,
                title="主要职能",
                body="负责全市法治宣传、人民调解、法律援助、社区矫正、公证和律师管理工作。",
            ),
            Material(
                kind=MaterialKind.COMMITMENTS,
                title="服务承诺",
                body="法律援助申请3个工作日内答复；来电来信15日内办结并回复。",
            ),
        ]
        session.prepared_answers = [PreparedAnswer(question=q, answer=a) for q, a in PREPARED_QA]
        db.session.add(session)
        # A session next week, so the plan shows what a schedule looks like.
        db.session.add(
            AirSession(
                programme=programme,
                unit=unit,
                air_date=today + timedelta(days=7),
                start_time=time(9, 0),
                end_time=time(10, 0),
                topic="公证服务与人民调解",
            )
        )
    db.session.commit()

    for username, role, name in DEMO_USERS:
        if db.session.scalar(select(User).where(User.username == username)) is None:
            unit_id = None
            if role in (Role.OFFICIAL, Role.UNIT_HANDLER, Role.UNIT_REVIEWER):
                unit_id = other.id if username in OTHER_UNIT_USERS else unit.id
            create_user(username, DEMO_PASSWORD, role, name, unit_id)
    return session


demo_cli = click.Group("demo", help="The demo show a newcomer can click through.")


@demo_cli.command("load")
def load_command() -> None:
    """Load the demo (idempotent) and print the logins."""
    session = load_demo()
    port = current_app.config.get("HTTP_PORT", 5000)
    click.echo(f"Demo session today: #{session.id} {session.unit.name} — {session.topic}")
    click.echo(f"Web channel for listeners: /w/{session.web_token}")
    click.echo(f"Log in at http://127.0.0.1:{port}/login with one of (password: {DEMO_PASSWORD}):")
    for username, role, name in DEMO_USERS:
        click.echo(f"  {username:10} {label(role):<20} {name}")
