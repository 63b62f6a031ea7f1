"""Every number the synthetic force is calibrated with, and where it comes from.

Source keys in square brackets refer to /work/shared/domain.md section 10 (e.g. [N2], [S8]) or
to /work/shared/anchors.md ("anchors" plus its section). ASSUMPTION marks a figure no source gives:
it is a judgement, stated so a reviewer can change it in one place. Shares are probabilities
(0..1). The tests in tests/synth/test_distributions.py check that generated data lands within
stated tolerances of the TARGET_* values.
"""

from __future__ import annotations

from datetime import date

# ---- Time window --------------------------------------------------------------------------------

# Default window: the three full calendar years ending on this fixed date, never "today", so the
# same arguments always give the same data (ASSUMPTION: a recent, complete year end).
DEFAULT_END = date(2025, 12, 31)
DEFAULT_YEARS = 3

# HOCR principal crime rule reinstated in mid-May 2023 ("double counting" removed; stalking may
# now sit behind a more serious principal as an included classification) [C10][C11][C12]. The
# exact date is UNCONFIRMED; before it, escalation offences in a stalking course were recorded as
# a separate crime in addition to the stalking crime [C2][C13][C14].
PRINCIPAL_RULE_2023 = date(2023, 5, 15)

# ---- Crime mix (share of generated crimes by the kind of case they come from) ------------------
#
# A real force: Hertfordshire records ~76,300 crimes a year [N14]; nationally stalking and
# harassment (incl. malicious communications and CCB) is ~10 per 1,000 people [N8], so ~11-12k a
# year for Herts' ~1.2m people (domain.md 7 rule of thumb), i.e. ~15% of its crime; stalking
# proper was 118,411 of E&W's ~640k stalking-and-harassment offences (~19%) [N1][N8]. In the
# police.uk street data for Herts (Jan 2021-Jan 2022, data/README.md) the other categories are:
# violence and sexual offences 32,266, other theft 8,105, criminal damage and arson 7,963, vehicle
# crime 7,844, shoplifting 6,551, public order 5,918, burglary 3,775, drugs 2,885, other 1,754,
# bicycle theft 1,152, theft from the person 1,071, weapons 725, robbery 598.
#
# ASSUMPTION (documented oversampling): this is a stalking case-management system, so the generator
# keeps the stalking-and-harassment block at ~40% of generated crimes (about 2.7 times its real
# share) and thins the property/background crimes to ~23% (about a third of their real share).
# Proportions *within* the stalking-and-harassment block and within the other violence, public
# order and criminal damage block follow the sources above or are marked as assumptions.
CRIME_MIX: dict[str, float] = {
    # Stalking-and-harassment block: 40%.
    "stalking": 0.130,  # every crime of a true stalking course, however recorded
    "harassment": 0.120,  # 8L courses (neighbours, acquaintances): ASSUMPTION, largest S&H code
    "racial_harassment": 0.010,  # 8M: ASSUMPTION
    "malicious_comms": 0.080,  # 8R one-offs: ASSUMPTION
    "comms_s127": 0.010,  # 8S: ASSUMPTION
    "ccb": 0.030,  # 8U courses; CCB counted in S&H since April 2020 [C15]; share ASSUMPTION
    "breach": 0.020,  # standalone breaches of RO/NMO/SPO from orders made before the window
    # Other violence, sexual offences, public order and criminal damage: 37%, in police.uk
    # proportions (violence 32,266 : public order 5,918 : criminal damage 7,963), less S&H.
    "common_assault": 0.100,  # 105A
    "assault_injury": 0.060,  # 8N (and a few 8P/105B)
    "threats_to_kill": 0.015,  # 3B
    "sexual": 0.025,  # 20A, 88E, 19C, 88F
    "public_order": 0.070,  # 9A
    "criminal_damage": 0.100,  # 58A-58D
    # Background: 23%, thinned (see above).
    "theft": 0.150,  # 49: other theft, shoplifting, theft from the person
    "burglary": 0.040,  # 28E
    "weapons": 0.010,  # 53H
    "other": 0.025,  # 66
    "arson": 0.005,  # 56B
}

# Incidents that never become a crime, per generated crime (welfare checks, civil disputes,
# neighbour noise, the hard negatives): ASSUMPTION (forces log several incidents per crime; this
# keeps the database small while giving the screening text classifier negatives).
NONCRIME_CASES_PER_CRIME = 0.20

# ---- Stalking courses ---------------------------------------------------------------------------

# Relationship of the suspect to the victim. Domain.md gives no shares; the April 2020 HOCR rule
# (ex-partner courses are stalking unless harassment only) [C2][C14] and the brief put most cases
# with ex-partners. ASSUMPTION for every value.
STALKING_RELATIONSHIP: dict[str, float] = {
    "ex_partner": 0.50,
    "acquaintance": 0.15,
    "online_only": 0.09,
    "stranger": 0.08,
    "colleague": 0.07,
    "neighbour": 0.06,
    "family": 0.05,
}
TARGET_EX_PARTNER_SHARE = 0.50  # of stalking courses; tolerance in tests

# Victims: 70% women among Crime Survey stalking victims (YE Mar 2025) [N8].
STALKING_VICTIM_FEMALE = 0.70
# Suspects: ASSUMPTION (most stalkers of women are men; mixed for male victims).
SUSPECT_MALE_IF_VICTIM_FEMALE = 0.88
SUSPECT_MALE_IF_VICTIM_MALE = 0.55

# Number of reported events (calls, online reports) in a course, and days between them.
# A course needs at least two occasions [L9]; victims often report after several. ASSUMPTION.
STALKING_EVENTS_MEAN = 3.2  # events reported to police, beyond the first (geometric)
STALKING_EVENTS_MAX = 14
STALKING_GAP_DAYS_MEAN = 11.0  # exponential, per gap
STALKING_ESCALATES = 0.40  # share of courses that escalate messages -> visits -> damage -> threats
# -> assault (ASSUMPTION; "risk of stalking downplayed" [S33], HMIC 2017 [S34])

# Online element: Dorset says the "vast majority" of stalking/harassment is online or by phone
# [N24] (no figure; UNCONFIRMED). ASSUMPTION: 65% of courses have an online or phone element.
STALKING_ONLINE = 0.65
# The HOCR online flag is "underused" (15% of harassment/stalking flagged in 2017, anchors 0).
# ASSUMPTION: it is set on 75% of crimes whose conduct really was online.
ONLINE_FLAG_WHEN_ONLINE = 0.75
TARGET_STALKING_ONLINE_FLAG_SHARE = 0.44  # of crimes in stalking courses (tolerance in tests)

# Recording. The super-complaint and HMIC 2017 found stalking often recorded as harassment,
# malicious communications or not at all [S8][S10][S34]; the crime-file review's figures are
# UNCONFIRMED. ASSUMPTION: 22% of courses are not recognised as stalking when first recorded,
# 9% never become a crime (incidents only, "words of advice").
STALKING_NOT_RECOGNISED = 0.22
STALKING_NONCRIME_ONLY = 0.09
# Recognised courses still miss 8Q on some later crimes ("failing to join the dots" [S33]).
CARRIES_8Q_IF_RECOGNISED = 0.90
CARRIES_8Q_IF_NOT_RECOGNISED = 0.04
# Misrecorded as: by channel (ASSUMPTION).
MISRECORD_ONLINE: dict[str, float] = {"8L": 0.45, "8R": 0.45, "8S": 0.10}
MISRECORD_IN_PERSON: dict[str, float] = {"8L": 0.85, "9A": 0.10, "8R": 0.05}
# The crime registrar later reclassifies some misrecorded 8L crimes to 8Q (and some 8R).
RECLASSIFY_8L_TO_8Q = 0.25  # ASSUMPTION
RECLASSIFY_8R_TO_8Q = 0.10  # ASSUMPTION
# Share of really-stalking crimes recorded without 8Q (principal or included) when first recorded.
# Follows from the values above (not recognised, missed on later crimes, breaches without 8Q);
# checked in the tests.
TARGET_STALKING_MISRECORDED_SHARE = 0.32

# When does an event become a new crime record (the rest are incidents added to the existing
# crime, or logged with no crime)? ASSUMPTION.
FIRST_EVENT_CRIME = 0.70  # else the second report raises the crime
NEW_CRIME_FOR_SERIOUS = 0.80  # damage, threats to kill, assault in the course
NEW_CRIME_FOR_BREACH = 0.90
NEW_CRIME_OTHERWISE = 0.12  # "incidents viewed in isolation" [S32]: a fresh crime per report

# Stalking appears as an included classification behind a more serious principal (Rec 7
# [S13][S14]; principal crime rule [C10]). The share of 8Q-bearing crimes where 8Q is included
# only follows from the escalation model below (ASSUMPTION; checked in the tests).
TARGET_8Q_INCLUDED_ONLY_SHARE = 0.26
# Escalation offence by stage (2 property, 3 threats, 4 violence). ASSUMPTION.
SERIOUS_AT_STAGE: dict[int, dict[str, float]] = {
    2: {"58A": 0.40, "58C": 0.45, "58D": 0.15},
    3: {"3B": 0.75, "9A": 0.25},
    4: {"105A": 0.55, "8N": 0.38, "20A": 0.07},
}
# Probability that an event at a stage is an offence in its own right (else it is more stalking).
SERIOUS_EVENT_AT_STAGE = {0: 0.0, 1: 0.0, 2: 0.45, 3: 0.45, 4: 0.75}
# First report is often the serious incident itself, with the earlier conduct disclosed then.
FIRST_REPORT_IS_SERIOUS = 0.10

# Outcomes of crimes in stalking courses (Home Office outcome codes, domain.md 4.4). About 5%
# charged [N1][S8]; more than 50% closed because the victim did not support [N2] (16, or 14 when
# the suspect is not identified); about a quarter closed for evidential reasons although the
# victim supported action [S8] (15). The rest ASSUMPTION.
STALKING_OUTCOMES: dict[str, float] = {
    "1": 0.045,  # charged crimes lead to orders and breaches, so more crimes: ~5.5% overall
    "3": 0.015,
    "8": 0.015,
    "10": 0.010,
    "14": 0.030,
    "15": 0.250,
    "16": 0.530,
    "18": 0.040,
    "20": 0.010,
    "21": 0.005,
    "22": 0.010,
    "9": 0.030,
}
TARGET_STALKING_CHARGED_SHARE = 0.055
# Days from recording to outcome: lognormal around ~6 weeks (ASSUMPTION; Op Atlas quotes 137 days
# before its pilot [M8]).
OUTCOME_DAYS_MEDIAN = 45
OUTCOME_DAYS_SIGMA = 0.8

# ---- Orders -----------------------------------------------------------------------------------

# SPO considered: the super-complaint's third concern is failure to consider or apply [S11].
SPO_CONSIDERED = 0.35  # ASSUMPTION, of recognised courses
# Herts: SPOs sought in under 1 in 160 cases [N18]; nationally 456 SPOs against ~80,000 stalking
# offences in the first year (0.6%) [N3]. We apply to 1 in 140 recognised courses so that all
# courses together stay under 1 in 160.
SPO_APPLIED = 1 / 140
SPO_INTERIM = 0.70  # Cleveland: interim first, full order ~2 months later [C5]; share ASSUMPTION
SPO_FULL_OUTCOME = {"granted": 0.78, "refused": 0.05, "withdrawn": 0.17}  # 2021 [N4]
SPO_INTERIM_TO_FULL_DAYS = 60  # [C5]
SPO_BREACHED = 0.30  # of granted orders, ASSUMPTION
SPO_NOTIFY_FAILURE = 0.10  # failure to notify within 3 days [L10][L11], ASSUMPTION
# Restraining order on conviction for any offence [L6][L7]: ASSUMPTION shares.
RO_ON_CHARGE = 0.60
RO_BREACHED = 0.30
# Non-molestation order obtained by an ex-partner or family victim (civil) [L20]: ASSUMPTION.
NMO_OBTAINED = 0.08
NMO_BREACHED = 0.40

# ---- Risk, needs assessment, referrals and victim updates (synth/safeguarding.py) -------------

# HMIC 2017: no initial risk assessment in 46% of cases [S34] (anchors 0); DASH stalking questions
# often skipped [S34]. ASSUMPTION: S-DASH done on 55% of recognised courses, 15% of others.
SDASH_DONE_RECOGNISED = 0.55
SDASH_DONE_NOT_RECOGNISED = 0.15
# Victims' Code right 4: needs assessment and referral; referral within 2 days [V11][V13].
NEEDS_ASSESSMENT_DONE = 0.70  # ASSUMPTION
NEEDS_ASSESSMENT_ON_TIME = 0.75  # within 2 days, of those done; the rest 3-45 days late
REFERRAL_RATES: dict[str, float] = {  # of recognised courses, ASSUMPTION; services [M10][M10b]
    "isac": 0.30,
    "idva": 0.25,  # ex-partner or family courses only
    "paladin": 0.08,  # high risk only
    "national_stalking_helpline": 0.35,
}
REFERRAL_DECLINED = 0.15  # victim declines, ASSUMPTION
# The S-DASH level follows the score as the question set's data grades it (risk/scoring.py):
# medium from 3 "yes", high from 6 (force-local defaults of migrations/data/safeguarding.json;
# S-DASH itself says only "the more yes answers, the higher the risk", domain.md 2.1, UNCONFIRMED
# bands). A tested check keeps these equal to the data. The assessor also grades high on
# professional judgement when the conduct reached violence (stage 4), whatever the score
# (domain.md 2.3: professional judgement overrides the score).
SDASH_MEDIUM_FROM = 3
SDASH_HIGH_FROM = 6
# Stalking victims are "persistently targeted" for enhanced rights when the course is recognised
# as stalking (domain.md 5 [V4][V5][V9]; College of Policing [R25]: they may be entitled).
# ASSUMPTION: unrecognised courses get the standard service.
# Victim updates owed after each outcome (charge, or no further action): 5 working days, 1 for
# enhanced rights (data, domain.md 5 [V7][V8][V11]). ASSUMPTION: given on time (the same or next
# day) on 70%, late (14-45 days) on 20%, never on 10%; no national compliance figure was found.
VICTIM_UPDATE_ON_TIME = 0.70
VICTIM_UPDATE_LATE = 0.20

# ---- Other case kinds ---------------------------------------------------------------------------

HARASSMENT_RELATIONSHIP: dict[str, float] = {  # ASSUMPTION
    "neighbour": 0.34,
    "acquaintance": 0.25,
    "family": 0.10,
    "colleague": 0.09,
    "stranger": 0.10,
    "ex_partner": 0.08,
    "online_only": 0.04,
}
HARASSMENT_RECORDED_AS_8Q = 0.03  # over-recording, ASSUMPTION
CCB_RELATIONSHIP: dict[str, float] = {"partner": 0.72, "ex_partner": 0.22, "family": 0.06}

# Outcome mixes for one-off crimes (ASSUMPTION, shaped like police.uk "Last outcome category"
# shares for Herts: most property crime closes with no suspect identified (18)).
OUTCOMES_KNOWN_SUSPECT: dict[str, float] = {
    "1": 0.12,
    "3": 0.04,
    "8": 0.06,
    "10": 0.02,
    "15": 0.28,
    "16": 0.38,
    "20": 0.02,
    "21": 0.01,
    "22": 0.02,
    "9": 0.05,
}
OUTCOMES_UNKNOWN_SUSPECT: dict[str, float] = {"18": 0.88, "14": 0.12}

# ---- People -------------------------------------------------------------------------------------

# Repeat victims and suspects across cases (ASSUMPTION; "repeat victim / repeat suspect links
# across all records", domain.md 9.3).
REPEAT_VICTIM = 0.12
REPEAT_SUSPECT = 0.16
REPEAT_PAIR = 0.04  # the same pair again: a new course after a lull
REPEAT_POOL_SIZE = 6000  # people kept available for repeats (keeps memory flat in N)
# Duplicate person records: Humberside found ~8% duplicates in 25,000 records checked (anchors
# 4.4). A repeat appearance creates a new record (a duplicate) with the probability below, and a
# later event in the same case sometimes does too (a different writer did not search first).
NEW_RECORD_ON_REPEAT = 0.60
NEW_RECORD_WITHIN_CASE = 0.09
TARGET_DUPLICATE_RECORD_SHARE = 0.08
# Variants real systems hold (ASSUMPTION weights).
DUPLICATE_VARIANTS: dict[str, float] = {
    "nickname": 0.22,
    "typo_surname": 0.14,
    "typo_forename": 0.10,
    "swapped_names": 0.08,
    "missing_forename": 0.08,
    "missing_dob": 0.14,
    "transposed_dob": 0.10,
    "dob_year_off": 0.05,
    "punctuation": 0.04,
    "upper_case": 0.05,
}
DOB_UNKNOWN_SUSPECT = 0.12  # first record of a suspect without a date of birth (ASSUMPTION)

# ---- Time of day and week ----------------------------------------------------------------------

# Relative weights by local hour. In-person conduct peaks in the evening; online is spread through
# the day and night (ASSUMPTION, shaped like typical police demand curves).
HOUR_WEIGHTS_IN_PERSON = (
    2, 1.5, 1, 0.7, 0.5, 0.5, 0.8, 1.5, 2.5, 3, 3, 3.2,
    3.5, 3.5, 3.6, 4, 4.5, 5.2, 6, 6.5, 6.5, 6, 4.5, 3,
)  # fmt: skip
HOUR_WEIGHTS_ONLINE = (
    3, 2.5, 2, 1.5, 1, 0.8, 1, 2, 3, 3.5, 3.5, 3.5,
    3.5, 3.5, 3.5, 3.5, 3.8, 4, 4.5, 5, 5.5, 5.5, 5, 4,
)  # fmt: skip
# Monday..Sunday. Weekends heavier for in-person (ASSUMPTION).
WEEKDAY_WEIGHTS_IN_PERSON = (0.85, 0.85, 0.9, 0.95, 1.15, 1.35, 1.25)
WEEKDAY_WEIGHTS_ONLINE = (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)

# Recording delay after the report (NCRS: record without unjustified delay, Victims' Code right 2
# [V1]). ASSUMPTION: 80% within a day, 15% within a week, 5% up to a month.
RECORDING_DELAY = ((0.80, 0.05, 1.0), (0.15, 1.0, 7.0), (0.05, 7.0, 30.0))  # (p, min d, max d)

# ---- Staff ------------------------------------------------------------------------------------

# Officer pools grow with the number of cases generated (not with N), so the first cases get the
# same officers whatever N is. Herts has ~2,400 officers [N15]; ASSUMPTION sizes.
STAFF_POOLS: dict[str, tuple[int, int]] = {  # role -> (initial size, one more per this many cases)
    "investigator": (30, 600),
    "supervisor": (6, 4000),
    "call_handler": (8, 2500),
    "registrar": (2, 60000),
}
# Writers' narrative styles (kept in the ground truth so a text classifier can be evaluated on
# held-out styles).
N_STYLES = 12
