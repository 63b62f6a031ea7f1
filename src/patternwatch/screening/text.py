# ruff: noqa: E501 - regex lexicons read best with one alternative list per line
"""Explainable rules for "possible stalking" in a free-text narrative (pure: no session, no model).

Each indicator is a small regex lexicon written for police text as it is really typed: call-handler
logs in capitals, officer statements, victims' own words, partner referrals, shorthand (IP, VIW,
SUSP, ex-bf, ex-p, msgs, txts, fb, insta, snap) and lower-case text with common typos. The s2A PHA
examples (following, contacting, monitoring, loitering, interfering with property, watching) and the
FOUR mnemonic (fixated, obsessive, unwanted, repeated) decide what counts.

Negation is deliberately light: a match preceded closely by "no", "not", "nil", "denies" or "never"
is dropped, so "no further contact" or "has not followed her" does not count, and nothing cleverer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

# Indicator codes (stable: they are stored in flags and printed by `patternwatch screen`).
FIXATION = "fixation"
REPEATED_CONTACT = "repeated_contact"
FOLLOWING = "following"
LOITERING = "loitering"
WATCHING = "watching"
MONITORING = "monitoring"
TURNING_UP = "turning_up"
THIRD_PARTY = "third_party_contact"
NEW_ACCOUNTS = "new_accounts"
GIFTS = "gifts"
ORDER_BREACH = "order_breach"
RELATIONSHIP_THREAT = "relationship_threat"

INDICATORS: tuple[str, ...] = (
    FIXATION,
    REPEATED_CONTACT,
    FOLLOWING,
    LOITERING,
    WATCHING,
    MONITORING,
    TURNING_UP,
    THIRD_PARTY,
    NEW_ACCOUNTS,
    GIFTS,
    ORDER_BREACH,
    RELATIONSHIP_THREAT,
)

LABELS: dict[str, str] = {
    FIXATION: "Fixation",
    REPEATED_CONTACT: "Repeated unwanted contact",
    FOLLOWING: "Following",
    LOITERING: "Loitering",
    WATCHING: "Watching or spying",
    MONITORING: "Monitoring or tracking",
    TURNING_UP: "Turning up at home or work",
    THIRD_PARTY: "Contact through third parties",
    NEW_ACCOUNTS: "New accounts or numbers after blocking",
    GIFTS: "Unwanted gifts or items",
    ORDER_BREACH: "Breach of an order or bail",
    RELATIONSHIP_THREAT: "Threats tied to a relationship",
}

# Shared vocabulary (regex fragments).
_V = r"(?:ip|ips|ip's|viw|viw's|vic|vics|vic's|victim|victim's|aggrieved|ag|her|him|his|me|my|she|he|them|c/o|rp|caller|complainant)"  # noqa: E501
_MSG = r"(?:msgs?|messages?|messaging|txts?|texts?|texting|calls?|calling|phone ?calls|emails?|e-mails?|dms?|voicemails?|voice ?notes?|whats ?apps?|snaps?|letters?)"  # noqa: E501
_HOME = r"(?:home|house|hse|address|addr|adress|w/place|w/p|flat|work|workplace|place of work|office|job|school|college|uni|gym|door|doorstep|front door|mum's|parents'?|new address)"  # noqa: E501
_PLATFORM = r"(?:fb|facebook|insta|instagram|ig|snap|snapchat|sc|tiktok|tt|twitter|x|whatsapp|wa|telegram|msgr|messenger|tinder|hinge|linkedin|email|number|phone|socials|social media)"  # noqa: E501
_FAMILY = r"(?:family|friends?|mates?|mum|mother|mom|dad|father|parents?|sister|sis|brother|bro|nan|gran|aunt|uncle|cousins?|employer|boss|manager|colleagues?|work ?mates?|new (?:p/?ner|partner|bf|gf|boyfriend|girlfriend)|partner|p/?ner|kids' school|children's school|daughter|son|neighbours?|landlord)"  # noqa: E501
_EX = r"(?:ex[- ]?(?:bf|gf|p|ptnr|partner|p/?ner|boyfriend|girlfriend|husband|hubby|wife|fiance|fiancee|h|w)|ex\b|former (?:partner|boyfriend|girlfriend|husband|wife)|previous (?:partner|relationship)|estranged|separated|split up|broke up|break ?up|ended (?:the |their |our )?relationship|relationship ended|relationship (?:is )?over|dated|dating|used to go out|went out with)"  # noqa: E501

_PATTERNS: dict[str, tuple[str, ...]] = {
    FIXATION: (
        r"obsess\w*",
        r"fixat\w*",
        r"infatuat\w*",
        r"(?:won'?t|will not|wont|cannot|can'?t|cant|refuses? to|not) (?:accept|except|let (?:it|her|him) go|move on|take no)\w*",  # noqa: E501
        r"(?:won'?t|will not|wont) (?:leave|leav) " + _V + r" alone",
        r"wants? (?:to get back|her back|him back|to rekindle)",
        r"(?:get|getting) back together",
        r"(?:declar\w+|profess\w+) (?:his|her) love",
        r"(?:meant|destined|soul ?mates?) to be together",
        r"(?:says|said|believes|thinks) (?:they|we) are (?:meant|in a relationship|soulmates)",
        r"can'?t live without",
        r"(?:no one|nobody) else (?:can|will) have",
        r"if (?:i|he|she) can'?t have (?:you|her|him)",
    ),
    REPEATED_CONTACT: (
        r"\d+\s*\+?\s*(?:\w+\s){0,3}" + _MSG,
        r"(?:dozens|hundreds|loads|lots|numerous|multiple|several|many|countless|constant|repeated|repeat|persistent|continuous|non[- ]?stop|endless|barrage|string|stream|flood) (?:of )?(?:\w+ ){0,2}"
        + _MSG,  # noqa: E501
        r"(?<!i )(?:keeps?|kept|keeping|keeeps|continu\w+|persist\w+|still|won'?t stop|will not stop|wont stop|carried on|carries on|constantly|repeatedly|relentlessly|bombard\w*) (?:to )?(?:(?!getting|ignoring|receiving|gettin)\w+ ){0,2}(?:contact\w*|messag\w*|text\w*|txt\w*|call\w*|ring\w*|email\w*|emai\w*|phon\w*|writ\w*|send\w*|turning up|turn up)",  # noqa: E501
        r"(?:every|evry|each) (?:day|night|morning|evening|hour|few (?:minutes|mins|hours|hrs))",
        r"(?:several|many|multiple|numerous|\d+) times (?:a|per|an|each) (?:day|night|hour|week)",
        r"(?:day and night|all hours|all times of (?:the )?(?:day|night)|middle of the night|3am|4am|2am)",  # noqa: E501
        r"(?:told|asked|begged|requested|warned) (?:\w+ ){0,3}(?:to )?(?:stop|not to|leave (?:her|him|me) alone|no (?:further )?contact)",  # noqa: E501
        r"unwanted (?:contact|messages|calls|attention|texts|visits)",
        r"(?:ringing|calling|phoning) (?:\w+ ){0,2}(?:over and over|again and again|repeatedly|constantly)",  # noqa: E501
        r"(?:voicemails?|missed calls)",
    ),
    FOLLOWING: (
        r"(?<!procedure )(?:follow(?:ed|ing|s|in|d)?|folow\w*|foll?owed|foll?owing)(?! (?:procedure|the procedure|policy|protocol|the policy|up|advice|guidance|instructions|the (?:incident|report|call|arrest|argument|day|week|meeting|sale|advice))\b)(?= (?:"
        + _V
        + r"|her|him|them|me|us|the victim|ip|viw|vic|home|to|around|behind|in his car|in a car|in her car|on foot|from|into|down|along|through|round))",  # noqa: E501
        r"(?:f/ing|f/wed|f/w|f/lowing|f/lowed)",
        r"(?:tailed|tailing|trailed|trailing|pursued|chased) (?:" + _V + r"|her|him|me)",
        r"(?:behind|after) (?:"
        + _V
        + r"|her|him|me) (?:all the way|in (?:his|her|a) car|on (?:the )?(?:bus|train))",  # noqa: E501
        r"(?:same bus|same train|same route|the same places?) as (?:" + _V + r"|her|him|me)",
    ),
    LOITERING: (
        r"loiter\w*",
        r"hang(?:ing|s|ed)? (?:around|about|round) (?:outside|near|by|at)?",
        r"lurk\w*",
        r"(?:parked|parks|parking|sat|sitting|sits|waiting|waited|waits|standing|stood|stands) (?:up )?(?:in (?:his|her|a) (?:car|van) )?(?:outside|opposite|across from|near|at the end of|down the road from|by)",  # noqa: E501
        r"(?:drives?|drove|driving|walks?|walked|walking) (?:past|by|passed) (?:"
        + _V
        + r"|her|his|the)? ?(?:\w+ )?"
        + _HOME,  # noqa: E501
        r"(?:sat|sitting|parked) in (?:his|her|a) (?:car|van) (?:outside|near|opposite)",
    ),
    WATCHING: (
        r"watch(?:ing|ed|es)? (?:" + _V + r"|her|him|me|the house|the property)",
        r"(?:staring|stares|stared) (?:at|into|through)",
        r"spy(?:ing)?\b|spied",
        r"peer(?:ing|ed|s) (?:in|into|through)",
        r"(?:looking|looked|looks) (?:in|into|through) (?:the |her |his |my )?windows?",
        r"(?:taking|took|takes|taken) (?:photos|pictures|pics|photographs|videos?) of (?:"
        + _V
        + r"|her|him|me|the house)",  # noqa: E501
        r"photograph(?:ing|ed|s) (?:" + _V + r"|her|him|me)",
        r"(?:covert|secret)(?:ly)? (?:filming|filmed|recording|recorded|photograph\w*)",
    ),
    MONITORING: (
        r"track(?:ing|er|ers|ed|s)?\b",
        r"gps",
        r"air ?tags?|tile tracker",
        r"spyware|stalkerware|monitoring app|tracking app",
        r"find my (?:iphone|phone|friends)|location (?:sharing|shared|tracking|services)|snap ?maps?|life360",  # noqa: E501
        r"(?:check|checks|checked|checking|goes through|went through|going through) (?:"
        + _V
        + r"|her|his|my) (?:phone|mobile|messages|emails|accounts?|location)",  # noqa: E501
        r"(?:accessed|accessing|hacked|hacking|logged in(?:to)?|logging in(?:to)?|got into|changed the password)(?: to)? (?:"
        + _V
        + r"|her|his|my) (?:\w+ )?(?:account|accounts|email|e-mail|phone|icloud|cloud|fb|facebook|insta|instagram|snap|bank)",  # noqa: E501
        r"knows? (?:exactly )?where (?:"
        + _V
        + r"|she|he|i) (?:is|was|are|am|goes|went|has been|had been|lives|works)",  # noqa: E501
        r"knows? (?:\w+ ){0,3}(?:movements|routine|whereabouts|new address)",
        r"(?:monitor\w*|keeping tabs|keeps tabs|checking up on|checks up on)",
        r"(?:viewing|views|viewed|watching|watches|looking at|screenshot\w*) (?:all )?(?:"
        + _V
        + r"|her|his|my) (?:stories|story|posts|profile|statuses|status)",  # noqa: E501
        r"(?:commenting|comments|commented|liking|likes) on (?:all|every) (?:of )?(?:"
        + _V
        + r"|her|his|my)? ?(?:\w+ )?(?:posts?|photos?|pictures?|pics?)",  # noqa: E501
    ),
    TURNING_UP: (
        r"(?:turn(?:ed|s|ing)?|turnd|trun(?:ed|s|ing)?|show(?:ed|s|ing|n)?|rock(?:ed|s|ing)?) up (?:\w+ ){0,3}(?:at|outside|to)? ?(?:"
        + _V
        + r"|her|his|the|my)? ?(?:\w+ )?"
        + _HOME,  # noqa: E501
        r"(?:turn(?:ed|s|ing)?|show(?:ed|s|ing)?) up (?:unannounced|uninvited|again|everywhere|wherever)",
        r"(?:attend(?:ed|s|ing)?|came|comes|coming|went|goes|going|arrived|arrives|appear(?:ed|s|ing)?|knock(?:ed|s|ing)?|bang(?:ed|s|ing)?|ban\w+) (?:\w+ ){0,2}(?:to|at|on|outside) (?:"
        + _V
        + r"|her|his|the|my)(?:'s)? ?(?:\w+ )?"
        + _HOME,  # noqa: E501
        r"(?:outside|at) (?:"
        + _V
        + r"|her|his|my)(?:'s)? (?:home|house|hse|address|addr|flat|work|workplace|place of work|office|school|gym|front door)",  # noqa: E501
        r"(?:uninvited|unannounced) (?:at|to)",
        r"(?:outside|opp|opposite|near) (?:"
        + _V
        + r"|her|his|my)?(?:'s)? ?(?:hse|house|addr|address|flat|w/place|work|home)",  # noqa: E501
        r"(?:appearing|appears|keeps appearing|shows? up|showing up) (?:wherever|everywhere|where)",
        r"(?:found|find|finds|located|locates|tracked down) (?:"
        + _V
        + r"|her|his|my)(?:'s)? (?:new )?(?:address|addr|adress|flat|house|workplace)",  # noqa: E501
        r"(?:found out|discovered|obtained|got hold of|tracked down) (?:\w+ ){0,2}(?:new )?(?:address|workplace|where (?:she|he|i) (?:lives?|works?))",  # noqa: E501
    ),
    THIRD_PARTY: (
        r"(?:contact\w*|messag\w*|text\w*|txt\w*|call\w*|ring\w*|approach\w*|email\w*|writ\w*|visit\w*|turn\w* up at|went to|go(?:ne)? to|asking|asked|questioning|quizzing|turned up at) (?:"
        + _V
        + r"|her|his|my)(?:'s)? (?:\w+ )?"
        + _FAMILY,  # noqa: E501
        r"(?:friend|follow) requests? (?:to|from) (?:"
        + _V
        + r"|her|his|my)(?:'s)? (?:\w+ )?"
        + _FAMILY,  # noqa: E501
        r"(?:sending|sent|sends) (?:\w+ )?(?:friend|follow) requests? to",
        r"(?:through|via|using) (?:"
        + _V
        + r"|her|his|my)?(?:'s)? ?(?:mutual )?"
        + _FAMILY
        + r" to (?:contact|reach|get|pass|find)",  # noqa: E501
        r"(?:pass(?:ing|ed)? (?:on )?messages? (?:through|via)|passing messages)",
        r"(?:asking|asked|asks|asking around) (?:\w+ ){0,3}(?:where (?:she|he|ip|viw) (?:lives|is|works)|about (?:"
        + _V
        + r"|her|him))",  # noqa: E501
        r"mutual (?:friends?|contacts)",
    ),
    NEW_ACCOUNTS: (
        r"new (?:\w+ )?(?:accounts?|accts?|profiles?|numbers?|sim|phone numbers?|emails?|usernames?)",
        r"(?:fake|false|anonymous|anon|burner|dummy|unknown|different|another|other|multiple|various) (?:\w+ )?(?:accounts?|accts?|profiles?|numbers?|usernames?|emails? addresses?|sims?)",  # noqa: E501
        r"(?:withheld|private|priv|unknown|no caller id) (?:no|number|numbers|nos|num)",
        r"blocked (?:\w+ ){0,4}(?:but|and|yet|still|then) (?:\w+ ){0,4}(?:new|another|different|other|again|still|unblock\w*)",  # noqa: E501
        r"(?:creat\w+|set(?:ting)? up|made|makes|making|open\w*) (?:\w+ ){0,2}(?:new |fake |another |more |multiple )(?:\w+ )?(?:accounts?|profiles?)",  # noqa: E501
        r"(?:gets?|got|getting) round (?:the )?block",
    ),
    GIFTS: (
        r"gifts?\b|presents?\b(?! (?:at|to) (?:the )?(?:station|hospital|a&e|front desk|court))",
        r"flowers|bouquet|chocolates|teddy|jewellery left",
        r"(?:left|leaving|leaves|posted|posting|sent|sending|sends|delivered) (?:\w+ ){0,3}(?:letters?|notes?|cards?|parcels?|packages?|items?|things|flowers|a letter|a note|a card|a parcel|a package|love letters?)(?: \w+){0,3} (?:on|at|outside|through|to)",  # noqa: E501
        r"(?:ordered|orders|ordering) (?:\w+ ){0,3}(?:to|for) (?:"
        + _V
        + r"|her|his|my)(?:'s)? (?:address|house|home|work)",  # noqa: E501
        r"unsolicited (?:items|parcels|deliveries|gifts|mail|post)",
    ),
    ORDER_BREACH: (
        r"breach(?:ed|es|ing)?\b(?! of the peace)(?! of (?:contract|data|privacy|tenancy|lease|covid|the tenancy))",
        r"brch\b",
        r"(?:despite|contrary to|in spite of|against|on|subject to|under) (?:a |an |the |his |her )?(?:\w+ ){0,2}(?:restraining order|\bro\b|non[- ]?mol\w*|\bnmo\b|\bspo\b|stalking protection order|injunction|bail|conditions|licence condition|no contact)",  # noqa: E501
    ),
    RELATIONSHIP_THREAT: (),  # derived: a threat and a relationship in the same narrative
}

_THREAT = re.compile(
    r"\b(?:threat\w*|thretn\w*|threten\w*|kill|killed|killing|hurt|harm|smash your|slash|burn (?:the|your|her)|"  # noqa: E501
    r"end (?:you|her|him|it)|make (?:you|her|him) pay|you'?ll regret|you'?ll be sorry|watch your back|"
    r"acid|stab|do you in|come for you|get you|ruin (?:you|her|his|your|my) (?:life|career)|"
    r"share (?:\w+ ){0,2}(?:photos|pics|images|videos)|post (?:\w+ ){0,2}(?:photos|pics|images|videos)|"
    r"intimate (?:images|photos|pictures)|nudes|revenge porn)\b",
    re.IGNORECASE,
)
_RELATIONSHIP = re.compile(r"\b" + _EX + r"\b", re.IGNORECASE)

_REPETITION = re.compile(
    r"\b(?:again|agen|agin|\d+(?:st|nd|rd|th) (?:time|occ\w*|report)|x\s?\d+\b|\d+ times|"
    r"(?:several|numerous|many|multiple|repeated|three|four|five|\d+) (?:separate )?(?:occasions|times|nights|days|mornings|evenings)|"  # noqa: E501
    r"ongoing|on-going|for (?:weeks|months)|(?:every|each) (?:day|night|week)|most (?:nights|evenings|days)|"
    r"(?:a|the) series|latest in|continu\w+|keeps?|kept|still|constantly|repeatedly|since (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|the|we|she|he|they|i|last)\w*|"  # noqa: E501
    r"prev(?:ious)? (?:incs|incidents|reports)|previous(?:ly)? report\w*|rptd|all day|all night)\b",
    re.IGNORECASE,
)

_NEGATION = re.compile(
    r"\b(?:no|not|nil|none|denies|denied|deny|never|without|hasn'?t|has not|have not|haven'?t|"
    r"didn'?t|did not|doesn'?t|does not|isn'?t|wasn'?t|no longer|no evidence of|no suggestion of|"
    r"no sign of|no reports? of|no further|nothing to suggest)\b[^.;\n]{0,24}$",
    re.IGNORECASE,
)

# One alternation per indicator, matched against the lower-cased text without IGNORECASE: about
# four times faster than ninety case-insensitive patterns (the screen of 100,000 narratives is
# bounded by these). Matches of one indicator do not overlap; presence is what scores.
_COMPILED: dict[str, re.Pattern[str]] = {
    code: re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + ")")
    for code, patterns in _PATTERNS.items()
    if patterns
}
_COMPILED_CI: dict[str, re.Pattern[str]] = {
    code: re.compile(pattern.pattern, re.IGNORECASE) for code, pattern in _COMPILED.items()
}

# Weights of a logistic rule score: strong s2A behaviours count more than a bare mention of an
# order or a gift. Tuned by hand on the training styles, then frozen; not fitted.
WEIGHTS: dict[str, float] = {
    FIXATION: 1.3,
    REPEATED_CONTACT: 1.1,
    FOLLOWING: 1.6,
    LOITERING: 1.4,
    WATCHING: 1.3,
    MONITORING: 1.5,
    TURNING_UP: 1.4,
    THIRD_PARTY: 1.2,
    NEW_ACCOUNTS: 1.5,
    GIFTS: 0.8,
    ORDER_BREACH: 1.0,
    RELATIONSHIP_THREAT: 1.0,
}
BIAS = -1.5
RELATIONSHIP_WEIGHT = 0.7
REPETITION_WEIGHT = 0.7  # "again", "3rd time", "x4", "ongoing": more than one occasion
EXTRA_INDICATOR_BONUS = 0.6  # each distinct indicator after the first: a pattern, not one act


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: which indicator, and where in the text (character offsets)."""

    indicator: str
    start: int
    end: int
    text: str


@dataclass(slots=True)
class RuleResult:
    indicators: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    relationship: bool = False
    repetition: bool = False
    score: float = 0.0


def normalise(text: str) -> str:
    """Same length as the input (so spans stay valid): only unify apostrophes and dashes."""
    return text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-"})
    )


def _negated(text: str, start: int) -> bool:
    window = text[max(0, start - 40) : start]
    # Only the clause the match sits in.
    window = re.split(r"[.;\n!?]|\s-\s|/", window)[-1]
    return bool(_NEGATION.search(window))


def find_evidence(text: str) -> list[Evidence]:
    """Every indicator match in the text, not negated, in order of position."""
    norm = normalise(text)
    lowered = norm.lower()
    # Lower-casing can change the length of a few non-ASCII strings; spans must stay valid.
    compiled, haystack = (_COMPILED, lowered) if len(lowered) == len(norm) else (_COMPILED_CI, norm)
    found: list[Evidence] = []
    for code, pattern in compiled.items():
        for m in pattern.finditer(haystack):
            if m.end() == m.start() or _negated(norm, m.start()):
                continue
            found.append(Evidence(code, m.start(), m.end(), text[m.start() : m.end()]))
    if found or _THREAT.search(norm):
        rel = _RELATIONSHIP.search(norm)
        if rel:
            for m in _THREAT.finditer(norm):
                if not _negated(norm, m.start()):
                    found.append(
                        Evidence(RELATIONSHIP_THREAT, m.start(), m.end(), text[m.start() : m.end()])
                    )
    found.sort(key=lambda e: (e.start, -e.end, e.indicator))
    return found


def rule_score(indicators: list[str], relationship: bool, repetition: bool = False) -> float:
    """A logistic score 0..1 from the distinct indicators found."""
    if not indicators:
        z = BIAS - 1.0
    else:
        z = BIAS + sum(WEIGHTS[i] for i in indicators)
        z += EXTRA_INDICATOR_BONUS * (len(indicators) - 1)
    if relationship:
        z += RELATIONSHIP_WEIGHT
    if repetition and indicators:
        z += REPETITION_WEIGHT
    return 1.0 / (1.0 + math.exp(-z))


def apply_rules(text: str) -> RuleResult:
    """The indicators in a narrative, the words that showed them and the rule score."""
    evidence = find_evidence(text or "")
    indicators = [code for code in INDICATORS if any(e.indicator == code for e in evidence)]
    norm = normalise(text or "")
    relationship = bool(_RELATIONSHIP.search(norm))
    repetition = bool(_REPETITION.search(norm))
    return RuleResult(
        indicators=indicators,
        evidence=evidence,
        relationship=relationship,
        repetition=repetition,
        score=rule_score(indicators, relationship, repetition),
    )


def rule_features(result: RuleResult) -> list[float]:
    """Indicator presence (0/1) in INDICATORS order, then relationship and indicator count."""
    present = set(result.indicators)
    return [1.0 if code in present else 0.0 for code in INDICATORS] + [
        1.0 if result.relationship else 0.0,
        1.0 if result.repetition else 0.0,
        min(len(present), 6) / 6.0,
    ]


def merge_spans(evidence: list[Evidence]) -> list[tuple[int, int, list[str]]]:
    """Overlapping evidence spans merged, for highlighting: (start, end, indicators)."""
    spans: list[tuple[int, int, list[str]]] = []
    for e in sorted(evidence, key=lambda e: (e.start, e.end)):
        if spans and e.start <= spans[-1][1]:
            start, end, codes = spans[-1]
            spans[-1] = (
                start,
                max(end, e.end),
                codes + ([e.indicator] if e.indicator not in codes else []),
            )  # noqa: E501
        else:
            spans.append((e.start, e.end, [e.indicator]))
    return spans
