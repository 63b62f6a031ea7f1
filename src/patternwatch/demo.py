"""Demo log-ins (one per role) and a small hand-written example force, loaded through the services.

The example set is a handful of believable Hertfordshire cases that show what Patternwatch is for:
stalking hidden as an included classification under a harassment or criminal damage principal,
an ex-partner series recorded as harassment and malicious communications, a reclassification, a
breach of a non-molestation order and a restricted crime. Dates are relative to today so the
demo always looks current; references are fixed, so loading twice adds nothing the second time.

A generated synthetic force will replace ``load_example_data``'s body later; keep its signature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from patternwatch.access import service as access_service
from patternwatch.access.actor import SYSTEM_ACTOR, Actor
from patternwatch.access.enums import Role
from patternwatch.crimes import service as crimes_service
from patternwatch.crimes.models import Crime
from patternwatch.errors import NotFound
from patternwatch.incidents import service as incidents_service
from patternwatch.incidents.models import Incident
from patternwatch.people import service as people_service
from patternwatch.timeutil import FORCE_TZ, as_utc

# ---- demo users ---------------------------------------------------------------------------

# (user name, display name, organisation) for each role. Names are invented.
DEMO_USERS: dict[Role, tuple[str, str, str | None]] = {
    Role.CALL_HANDLER: ("demo.call-handler", "Jordan Ellis (call handler)", None),
    Role.INVESTIGATOR: ("demo.investigator", "DC Priya Shah (investigator)", None),
    Role.SUPERVISOR: ("demo.supervisor", "DS Mark Okonjo (supervisor)", None),
    Role.REGISTRAR: ("demo.registrar", "Helen Marsden (crime registrar)", None),
    Role.ANALYST: ("demo.analyst", "Tom Fairbairn (analyst)", None),
    Role.VICTIM_CARE: ("demo.victim-care", "Grace Adeyemi (victim care)", None),
    Role.PARTNER: ("demo.partner", "Sian Walker (Paladin advocate)", "Paladin"),
    Role.ADMIN: ("demo.admin", "Chris Lane (administrator)", None),
}


def ensure_demo_users(
    *, session: Session, password_factory: Callable[[], str]
) -> list[tuple[Role, str, str]]:
    """Create one demo user per role, or reset the password of those that exist.

    Returns (role, user name, password) for each, so every run prints log-ins that work.
    """
    logins: list[tuple[Role, str, str]] = []
    for role, (username, display_name, organisation) in DEMO_USERS.items():
        password = password_factory()
        try:
            user = access_service.get_user_by_username(session=session, username=username)
        except NotFound:
            user = access_service.create_user(
                session=session,
                actor=SYSTEM_ACTOR,
                username=username,
                role=role,
                password=password,
                display_name=display_name,
                organisation=organisation,
            )
        else:
            access_service.set_password(
                session=session, actor=SYSTEM_ACTOR, username=username, password=password
            )
        logins.append((user.role, user.username, password))
    return logins


# ---- places -------------------------------------------------------------------------------

# A few real Hertfordshire LSOAs (2011), with a point inside each polygon computed from
# /work/shared/data/boundaries/hertfordshire_lsoa_2011/*.geojson. Source: ONS / Ordnance Survey
# boundaries via martinjc/UK-GeoJSON. Contains OS data (c) Crown copyright and database right 2016,
# licensed under the Open Government Licence v3.0. Street names come from data.police.uk
# locations in the same LSOAs (also Open Government Licence v3.0). No real addresses are used.


@dataclass(frozen=True, slots=True)
class Place:
    location: str
    district: str
    lsoa_code: str
    latitude: float
    longitude: float

    def fields(self) -> dict[str, Any]:
        return {
            "location_text": self.location,
            "district": self.district,
            "lsoa_code": self.lsoa_code,
            "latitude": self.latitude,
            "longitude": self.longitude,
        }


PLACES: dict[str, Place] = {
    # Stevenage 012B
    "stevenage": Place("Stirling Close, Stevenage", "Stevenage", "E01023764", 51.8757, -0.16828),
    # Watford 006D
    "watford": Place("Yarmouth Road, Watford", "Watford", "E01023858", 51.67362, -0.39417),
    # Dacorum 015C
    "hemel": Place("Adeyfield Road, Hemel Hempstead", "Dacorum", "E01023351", 51.75642, -0.46028),
    # St Albans 012B
    "st_albans": Place("St Peter's Street, St Albans", "St Albans", "E01023727", 51.75187, -0.3346),
    # East Hertfordshire 017D
    "hertford": Place(
        "Fore Street, Hertford", "East Hertfordshire", "E01023478", 51.79662, -0.07518
    ),
    # Welwyn Hatfield 006C
    "wgc": Place(
        "Howardsgate, Welwyn Garden City", "Welwyn Hatfield", "E01023918", 51.80172, -0.20897
    ),
    # North Hertfordshire 012F
    "hitchin": Place(
        "Market Place, Hitchin", "North Hertfordshire", "E01023616", 51.95014, -0.28354
    ),
    # North Hertfordshire 008A
    "letchworth": Place(
        "Leys Avenue, Letchworth Garden City",
        "North Hertfordshire",
        "E01023644",
        51.97502,
        -0.2285,
    ),
    # Broxbourne 013B
    "waltham_cross": Place(
        "Eleanor Cross Road, Waltham Cross", "Broxbourne", "E01023337", 51.68471, -0.03247
    ),
    # Welwyn Hatfield 011A
    "hatfield": Place("Link Drive, Hatfield", "Welwyn Hatfield", "E01023924", 51.75992, -0.22138),
}


# ---- the example set ----------------------------------------------------------------------

# Phone numbers are from Ofcom's range for drama (07700 900000-900999); e-mail domains are
# example.org. Every name is invented.


@dataclass(frozen=True)
class IncidentSpec:
    reference: str
    days_ago: int
    at: str  # local time, HH:MM
    source: str
    place: str
    narrative: str
    people: tuple[tuple[str, str], ...]  # (person key, involvement role)
    status: str = "closed"


@dataclass(frozen=True)
class CrimeSpec:
    reference: str
    days_ago: int
    at: str
    principal: str
    place: str
    narrative: str
    victim: str
    suspect: str
    relationship: str
    by: Role = Role.INVESTIGATOR
    included: tuple[str, ...] = ()
    incident: str | None = None
    offence_days_ago: tuple[int, int] | None = None  # (from, to)
    online_methods: tuple[str, ...] = ()
    status: str = "under_investigation"
    restricted: bool = False
    # (principal, included, reason): reclassified afterwards by the crime registrar.
    reclassify: tuple[str, tuple[str, ...], str] | None = None


@dataclass(frozen=True)
class Story:
    people: dict[str, dict[str, Any]]
    incidents: tuple[IncidentSpec, ...] = ()
    crimes: tuple[CrimeSpec, ...] = ()


def _person(
    forename: str,
    surname: str,
    born: date,
    gender: str,
    address: str | None = None,
    **identifiers: str,
) -> dict[str, Any]:
    return {
        "forename": forename,
        "surname": surname,
        "date_of_birth": born,
        "gender": gender,
        "address": address,
        "identifiers": [{"kind": k, "value": v} for k, v in identifiers.items()],
    }


# fmt: off
STORIES: tuple[Story, ...] = (
    # An ex-partner course of conduct recorded as four separate harassment and malicious
    # communications crimes: the misidentification the 2024 super-complaint report describes.
    Story(
        people={
            "kelly": _person(
                "Kelly", "Marsh", date(1994, 3, 12), "female", "Stirling Close, Stevenage",
                phone="07700 900412",
            ),
            "dean": _person(
                "Dean", "Collier", date(1990, 11, 2), "male", "Bedwell Crescent, Stevenage",
                phone="07700 900877",
            ),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/0101", 70, "21:14", "101", "stevenage",
                "IP KELLY MARSH calling re ex-bf DEAN COLLIER. rel ended approx 6 wks ago, he wont "
                "accept it. 40+ calls/txts since sat, turned up at her address x2 last night "
                "banging on door. no threats made. IP v upset, 2 kids in house. advised 999 if he "
                "returns. DASH to be completed by attending offr.",
                (("kelly", "victim"), ("dean", "suspect")),
            ),
            IncidentSpec(
                "INC/DEMO/0102", 55, "11:30", "front_counter", "stevenage",
                "IP attended front counter with her phone re further msgs from ex-bf. "
                "screenshots taken, passed to OIC.",
                (("kelly", "victim"),),
            ),
        ),
        crimes=(
            CrimeSpec(
                "41/DEMO/0101", 70, "21:40", "8L", "stevenage",
                "harrassment - IP reports ex-bf SUSP contacting her repeatedly since split, calls "
                "txts and attended home addr x2 uninvited. IP has told him to stop on several "
                "occ. no threats. SUSP known for DA with prev partner. DASH std. words of advice "
                "to SUSP by phone, PIN considered.",
                "kelly", "dean", "ex_partner",
                incident="INC/DEMO/0101", offence_days_ago=(76, 70),
            ),
            CrimeSpec(
                "41/DEMO/0102", 55, "11:30", "8R", "stevenage",
                "mal comms. SUSP sending abusive whatsapp msgs from new number after IP blocked "
                "him - calling her a sl*g, 'u will regret this', 'ill always know where u are'. "
                "screenshots x14 obtained. IP not sleeping, anxious leaving house.",
                "kelly", "dean", "ex_partner",
                incident="INC/DEMO/0102", offence_days_ago=(60, 55),
                online_methods=("messaging", "phone_calls"),
            ),
            CrimeSpec(
                "41/DEMO/0103", 41, "08:05", "8L", "stevenage",
                "SUSP sat in his car outside IPs addr at 0630 as she left for work then followed "
                "her car to work car park. seen by colleague (VIW) 3 days running at end of "
                "shift, did not approach. IP now changing shifts. SUSP denies, says he was "
                "'just passing'.",
                "kelly", "dean", "ex_partner",
                offence_days_ago=(44, 41),
            ),
            CrimeSpec(
                "41/DEMO/0104", 27, "07:50", "8L", "stevenage",
                "flowers + card left on IPs car windscreen 'were not finished'. neighbour saw "
                "male matching SUSP at approx 0300. IP says this is 5th time in a month hes been "
                "in the street. IP seeing solicitor re non-mol.",
                "kelly", "dean", "ex_partner",
                offence_days_ago=(28, 27),
            ),
        ),
    ),
    # Stalking kept as an included classification under a harassment (s4) principal.
    Story(
        people={
            "aisha": _person(
                "Aisha", "Rahman", date(1988, 6, 30), "female", "Yarmouth Road, Watford",
                phone="07700 900233",
            ),
            "mark": _person(
                "Mark", "Pullen", date(1979, 1, 17), "male", "Leavesden Road, Watford",
                email="m.pullen@example.org",
            ),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/0201", 34, "23:05", "999", "watford",
                "caller AISHA RAHMAN states ex-colleague MARK PULLEN outside her house shouting, "
                "said he will 'sort her out' if she doesnt talk to him. caller hiding upstairs. "
                "units dispatched. SUSP left prior to arrival.",
                (("aisha", "victim"), ("mark", "suspect")),
            ),
        ),
        crimes=(
            CrimeSpec(
                "41/DEMO/0201", 34, "23:50", "8L", "watford",
                "s4 harassment - fear of violence. SUSP ex-colleague, IP says never in a rel, "
                "SUSP believes otherwise. since he left the firm SUSP has followed IP from "
                "watford north stn on several occ, sent gifts to her home and made a fake insta "
                "acc to watch her stories. tonight threatened violence at addr. IP in fear. "
                "principal 8L (s4), stalking recorded as included 8Q. IP is VIW, special "
                "measures to be considered.",
                "aisha", "mark", "colleague",
                included=("8Q",), incident="INC/DEMO/0201", offence_days_ago=(120, 34),
                online_methods=("fake_accounts", "social_media"),
            ),
        ),
    ),
    # Stalking included under a criminal damage principal.
    Story(
        people={
            "joanne": _person(
                "Joanne", "Whitfield", date(1983, 9, 4), "female",
                "Adeyfield Road, Hemel Hempstead", phone="07700 900518",
            ),
            "craig": _person(
                "Craig", "Whitfield", date(1981, 2, 22), "male", "Marlowes, Hemel Hempstead",
                vehicle="silver ford focus",
            ),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/0301", 19, "02:17", "999", "hemel",
                "IP JOANNE WHITFIELD reports front window smashed with a brick, saw ex-husband "
                "CRAIG WHITFIELD running off twrds queens sq. IP and son (14) unhurt. SUSP has "
                "been driving past the house most nights since she moved out in jan.",
                (("joanne", "victim"), ("craig", "suspect")),
            ),
        ),
        crimes=(
            CrimeSpec(
                "41/DEMO/0301", 19, "02:40", "58A", "hemel",
                "crim dam to dwelling - front window smashed approx 0210hrs, brick recovered for "
                "forensics. IP IDd SUSP (ex-husband). ongoing pattern: SUSP drives past addr "
                "nightly, turned up at sons school, msging IPs sister to find out where IP goes. "
                "principal 58A with stalking (8Q) included. DASH high - MARAC referral. SUSP "
                "circulated.",
                "joanne", "craig", "ex_partner",
                included=("8Q",), incident="INC/DEMO/0301", offence_days_ago=(90, 19),
            ),
        ),
    ),
    # Online malicious communications from fake accounts.
    Story(
        people={
            "megan": _person(
                "Megan", "Holt", date(1999, 12, 8), "female", "Hatfield Road, St Albans",
                email="megan.holt@example.org",
            ),
            "liam": _person(
                "Liam", "Dorsey", date(1998, 5, 19), "male", None,
                social_media="instagram: @ld_1998x",
            ),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/0401", 12, "19:42", "online", "st_albans",
                "online report: RP receiving abusive msgs from anon accts on instagram + tiktok, "
                "posting her photos with nasty captions, emails to her work. thinks its former "
                "flatmate LIAM DORSEY (fell out over deposit). approx 6 accs blocked so far, new "
                "ones keep appearing.",
                (("megan", "victim"), ("liam", "suspect")),
            ),
        ),
        crimes=(
            CrimeSpec(
                "41/DEMO/0401", 11, "10:15", "8R", "st_albans",
                "mal comms - IP getting grossly offensive msgs via multiple fake insta/tiktok "
                "accts + emails to IPs employer on st peters st. screenshots x27 obtained. SUSP "
                "(former flatmate) suspected, not yet spoken to. IP asked about identity "
                "disclosure. comms data app to be submitted.",
                "megan", "liam", "acquaintance",
                incident="INC/DEMO/0401", offence_days_ago=(40, 11),
                online_methods=("email", "fake_accounts", "publishing_material", "social_media"),
                status="recorded",
            ),
        ),
    ),
    # Breach of a non-molestation order (Family Law Act 1996 s42A).
    Story(
        people={
            "sarah": _person(
                "Sarah", "Doyle", date(1991, 7, 25), "female", "Ware Road, Hertford",
                phone="07700 900361",
            ),
            "gary": _person("Gary", "Doyle", date(1987, 4, 9), "male", "Hoddesdon"),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/0501", 8, "13:22", "999", "hertford",
                "caller SARAH DOYLE at work in cafe on fore st, ex-partner GARY DOYLE sat "
                "opposite staring for 40 mins. she has a non-mol. now following her to car park.",
                (("sarah", "victim"), ("gary", "suspect")),
            ),
        ),
        crimes=(
            CrimeSpec(
                "41/DEMO/0501", 8, "14:10", "BR-NMO", "hertford",
                "breach of non-mol order (hertford county ct: no contact + 100m exclusion of IPs "
                "home and work). SUSP attended fore st while IP at work, sat opposite for 40 "
                "mins, then followed IP to railway st car park. CCTV requested. SUSP arrested, "
                "interviewed, says he was in town 'by chance'.",
                "sarah", "gary", "ex_partner",
                incident="INC/DEMO/0501", offence_days_ago=(8, 8),
            ),
        ),
    ),
    # A restricted crime: the victim works for the force.
    Story(
        people={
            "laura": _person(
                "Laura", "Bennett", date(1996, 10, 14), "female", "Welwyn Garden City",
            ),
            "nathan": _person(
                "Nathan", "Price", date(1975, 8, 3), "male", "Hatfield",
                social_media="facebook: nathan.p.1975",
            ),
        },
        crimes=(
            CrimeSpec(
                "41/DEMO/0601", 16, "17:30", "8Q", "wgc",
                "RESTRICTED - IP is police staff. SUSP first came to notice when IP dealt with "
                "him at front counter. since then waiting outside on howardsgate most evenings, "
                "followed IP to her bus stop, found her personal FB and sent 30+ friend reqs and "
                "msgs from diff accts. IP v frightened, moved in with parents. SPO to be "
                "considered.",
                "laura", "nathan", "acquaintance",
                by=Role.SUPERVISOR, restricted=True, offence_days_ago=(75, 16),
                online_methods=("fake_accounts", "social_media"),
            ),
        ),
    ),
    # Recorded as harassment, reclassified to stalking by the crime registrar.
    Story(
        people={
            "emma": _person(
                "Emma", "Clarke", date(1993, 2, 1), "female", "Hitchin", phone="07700 900145"
            ),
            "ryan": _person("Ryan", "Booth", date(1992, 12, 20), "male", "Letchworth"),
        },
        crimes=(
            CrimeSpec(
                "41/DEMO/0701", 48, "16:20", "8L", "hitchin",
                "IP reports ex-partner RYAN BOOTH keeps turning up at market place where she "
                "works, sits in costa watching her. also msgd her mum asking where IP is living "
                "now. IP says its 'just ryan being ryan' but wants it logged. harrasment.",
                "emma", "ryan", "ex_partner",
                offence_days_ago=(63, 48),
                reclassify=(
                    "8Q",
                    (),
                    "Ex-partner course of conduct: HOCR (April 2020) requires stalking unless "
                    "police are satisfied it is harassment only. Watching her at work and asking "
                    "her family where she lives is fixated, obsessive, unwanted and repeated.",
                ),
            ),
        ),
    ),
    # Stalking with a tracking device and access to the victim's cloud account.
    Story(
        people={
            "hannah": _person(
                "Hannah", "Lowe", date(1986, 5, 28), "female", "Letchworth Garden City",
                phone="07700 900690",
            ),
            "peter": _person(
                "Peter", "Lowe", date(1984, 3, 3), "male", "Baldock", vehicle="blue vw golf"
            ),
        },
        crimes=(
            CrimeSpec(
                "41/DEMO/0801", 15, "12:05", "8Q", "letchworth",
                "IP found airtag taped inside rear bumper of her car after phone alert 'unknown "
                "item travelling with you'. ex-husband PETER LOWE has repeatedly known where she "
                "was - turned up at leys ave gym and at her new bfs house. SUSP also still logged "
                "in to her icloud on old ipad, seeing her locations. s2A. device seized for exam. "
                "DASH med, S-DASH 8/11 yes.",
                "hannah", "peter", "ex_partner",
                offence_days_ago=(50, 15),
                online_methods=("account_access", "location_sharing", "tracking_device"),
            ),
        ),
    ),
    # Harassment that is not stalking: a neighbour dispute.
    Story(
        people={
            "derek": _person(
                "Derek", "Fowler", date(1958, 1, 11), "male", "Eleanor Cross Road, Waltham Cross"
            ),
            "kyle": _person(
                "Kyle", "Reid", date(2001, 9, 15), "male", "Eleanor Cross Road, Waltham Cross"
            ),
        },
        crimes=(
            CrimeSpec(
                "41/DEMO/0901", 22, "18:45", "8L", "waltham_cross",
                "neighbour dispute, flats off eleanor cross rd. IP (67) states neighbour KYLE "
                "REID plays loud music, kicks his door and shouts abuse when they pass on stairs, "
                "4 incidents in 3 wks. started over a parking bay. no fixation or following. "
                "stalking considered, harassment only. ASB team + housing informed.",
                "derek", "kyle", "neighbour",
                offence_days_ago=(43, 22),
            ),
        ),
    ),
    # A call that did not become a crime (the kind of record screening should look at).
    Story(
        people={
            "chloe": _person("Chloe", "Adams", date(2004, 4, 2), "female", "Hatfield"),
        },
        incidents=(
            IncidentSpec(
                "INC/DEMO/1001", 5, "15:12", "101", "hatfield",
                "caller is uni student, says a male from her course keeps waiting outside her "
                "lectures and has turned up at her halls twice, msgs her every day on insta even "
                "tho she told him to stop. doesnt want police action atm, wanted advice. advised "
                "re national stalking helpline + uni welfare. callback booked.",
                (("chloe", "victim"),),
                status="open",
            ),
        ),
    ),
)
# fmt: on


@dataclass
class _Counts:
    crimes: int = 0
    incidents: int = 0
    people: int = 0
    skipped: int = 0


def _local(days_ago: int, at: str) -> datetime:
    """A Europe/London wall-clock time N days before today, in UTC."""
    day = datetime.now(FORCE_TZ).date() - timedelta(days=days_ago)
    hours, minutes = (int(p) for p in at.split(":"))
    return as_utc(datetime.combine(day, time(hours, minutes)))


def _actor(session: Session, role: Role) -> Actor:
    """The demo user holding the role, or a system actor with that role if there is none."""
    username = DEMO_USERS[role][0]
    try:
        user = access_service.get_user_by_username(session=session, username=username)
    except NotFound:
        return Actor(None, f"example-data ({role.value})", role, "system", "system")
    return access_service.actor_for(user, source="system", channel="system")


def _already_loaded(session: Session, story: Story) -> bool:
    # A read-only existence check by reference (no service offers one); all writes go through
    # the services below.
    crime_refs = [c.reference for c in story.crimes]
    incident_refs = [i.reference for i in story.incidents]
    found = session.scalar(select(Crime.id).where(Crime.reference.in_(crime_refs)).limit(1))
    if found is None and incident_refs:
        found = session.scalar(
            select(Incident.id).where(Incident.reference.in_(incident_refs)).limit(1)
        )
    return found is not None


def _load_story(session: Session, story: Story, actors: dict[Role, Actor], n: _Counts) -> None:
    call_handler = actors[Role.CALL_HANDLER]
    people = {
        key: people_service.create_person(session=session, actor=call_handler, data=data)
        for key, data in story.people.items()
    }
    n.people += len(people)
    incidents: dict[str, int] = {}
    for spec in story.incidents:
        incident = incidents_service.create_incident(
            session=session,
            actor=call_handler,
            data={
                "reference": spec.reference,
                "received_at": _local(spec.days_ago, spec.at),
                "source": spec.source,
                "status": spec.status,
                "narrative": spec.narrative,
                **PLACES[spec.place].fields(),
            },
        )
        incidents[spec.reference] = incident.id
        n.incidents += 1
        for key, role in spec.people:
            people_service.add_involvement(
                session=session,
                actor=call_handler,
                data={"person_id": people[key].id, "role": role, "incident_id": incident.id},
            )
    for spec in story.crimes:
        actor = actors[spec.by]
        reported = _local(spec.days_ago, spec.at)
        offence: dict[str, Any] = {}
        if spec.offence_days_ago:
            start, end = spec.offence_days_ago
            offence = {
                "offence_from": _local(start, "00:00"),
                "offence_to": min(_local(end, "23:59"), reported),
            }
        crime = crimes_service.create_crime(
            session=session,
            actor=actor,
            data={
                "reference": spec.reference,
                "reported_at": reported,
                "recorded_at": reported + timedelta(hours=3),
                "classifications": [{"code": spec.principal, "principal": True}]
                + [{"code": c, "principal": False} for c in spec.included],
                "narrative": spec.narrative,
                "status": spec.status,
                "is_online": bool(spec.online_methods),
                "online_methods": list(spec.online_methods),
                "incident_id": incidents.get(spec.incident) if spec.incident else None,
                "officer_in_charge_id": actor.user_id,
                "is_restricted": spec.restricted,
                **offence,
                **PLACES[spec.place].fields(),
            },
        )
        n.crimes += 1
        for key, role, relationship in (
            (spec.victim, "victim", None),
            (spec.suspect, "suspect", spec.relationship),
        ):
            people_service.add_involvement(
                session=session,
                actor=actor,
                data={
                    "person_id": people[key].id,
                    "role": role,
                    "relationship": relationship,
                    "crime_id": crime.id,
                },
            )
        if spec.reclassify:
            principal, included, reason = spec.reclassify
            crimes_service.reclassify_crime(
                session=session,
                actor=actors[Role.REGISTRAR],
                crime_id=crime.id,
                data={
                    "classifications": [{"code": principal, "principal": True}]
                    + [{"code": c, "principal": False} for c in included],
                    "reason": reason,
                },
            )


def load_example_data(*, session: Session) -> str:
    """Load the example cases through the services (skipping any already there); summarise."""
    actors = {
        role: _actor(session, role)
        for role in (Role.CALL_HANDLER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.REGISTRAR)
    }
    n = _Counts()
    for story in STORIES:
        if _already_loaded(session, story):
            n.skipped += 1
            continue
        _load_story(session, story, actors, n)
    session.flush()
    if n.skipped == len(STORIES):
        return (
            f"Example data already loaded ({sum(len(s.crimes) for s in STORIES)} crimes in "
            f"{len(STORIES)} cases); nothing added."
        )
    summary = (
        f"Loaded example data: {n.crimes} crimes, {n.incidents} incidents and {n.people} people "
        f"in Hertfordshire, dated relative to today."
    )
    if n.skipped:
        summary += f" {n.skipped} cases were already there and were left alone."
    return summary
