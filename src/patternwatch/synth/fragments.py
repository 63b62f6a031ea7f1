"""The words narratives are built from: slot synonyms, fragment templates and opening tags.

Data only; ``text.py`` composes them. Templates are terse police-log phrases written for this
project; the hard negatives share words with stalking ("followed the procedure", "messages about
the car sale") without being stalking.
"""

from __future__ import annotations

# ---- Slots: key -> (full forms, abbreviated forms) ---------------------------------------------

SLOTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "msgs": (
        ("messages", "text messages", "WhatsApp messages", "texts", "messages and voice notes"),
        ("msgs", "txts", "whatsapps", "DMs", "msgs/vms"),
    ),
    "via": (
        (
            "on WhatsApp",
            "via Instagram",
            "on Snapchat",
            "on Facebook",
            "by text",
            "on Messenger",
            "via TikTok",
            "by email",
            "on social media",
            "through various apps",
        ),
        ("on WA", "via insta", "on snap", "on FB", "by txt", "on msgr", "via SM", "on socials"),
    ),  # fmt: skip
    "many": (
        (
            "over fifty",
            "dozens of",
            "numerous",
            "more than 100",
            "around thirty",
            "multiple",
            "a large number of",
            "countless",
        ),
        ("50+", "30+", "100+", "approx 40", "loads of", "x20", "multiple", "numerous"),
    ),  # fmt: skip
    "some": (("several", "a few", "three or four", "repeated"), ("3/4", "2-3", "few", "several")),
    "calls": (
        ("phone calls", "calls", "silent calls", "missed calls"),
        ("calls", "silent calls", "m/calls", "tel calls"),
    ),
    "withheld": (
        ("a withheld number", "private numbers", "unknown numbers"),
        ("w/h no.", "priv no"),
    ),
    "freq": (
        (
            "every day",
            "daily",
            "at all hours",
            "throughout the night",
            "most days",
            "constantly",
            "since the weekend",
            "over the last week",
        ),
        ("daily", "24/7", "all hrs", "every day", "since wknd", "over last wk", "constantly"),
    ),  # fmt: skip
    "turned_up": (
        ("turned up at", "attended", "came to", "showed up at", "appeared at", "went to"),
        ("turned up @", "attended", "came to", "showed up at", "att"),
    ),
    "home": (("home address", "home", "house", "flat", "address"), ("HA", "home addr", "addr")),
    "work": (("workplace", "work", "place of work", "office"), ("work", "w/place", "POW")),
    "gift": (
        ("flowers", "a card", "a letter", "a parcel", "gifts", "a teddy bear", "chocolates"),
        ("flowers", "card", "letter", "parcel", "gifts"),
    ),
    "platform": (
        ("Instagram", "Facebook", "TikTok", "Snapchat", "X", "a local Facebook group"),
        ("insta", "FB", "TT", "snap", "FB group"),
    ),
    "tracker": (
        ("a tracking device", "an AirTag", "a GPS tracker", "a tracker"),
        ("tracker", "airtag", "GPS tracker"),
    ),
    "account": (
        ("email", "Instagram", "iCloud", "Google", "bank", "Facebook"),
        ("email", "insta", "icloud", "google", "FB"),
    ),
    "damaged": (
        (
            "damaged",
            "scratched",
            "keyed",
            "smashed the windows of",
            "kicked",
            "slashed the tyres of",
        ),
        ("damaged", "keyed", "smashed", "kicked", "slashed tyres on"),
    ),
    "threatened": (
        ("threatened", "made threats", "said they were going", "told everyone they were going"),
        ("threatened", "made threats", "thrtnd"),
    ),
    "shop": (
        ("the supermarket", "Tesco", "the shops", "the gym", "the town centre"),
        ("tesco", "gym"),
    ),
    "road": (("A1(M)", "M25", "ring road", "high street", "A414", "M1"), ("A1M", "M25", "A414")),
    "ended": (
        (
            "a few weeks ago",
            "in the summer",
            "last year",
            "two months ago",
            "at Christmas",
            "after 3 years together",
            "recently",
        ),
        ("few wks ago", "in summer", "last yr", "2 mths ago", "at xmas", "recently"),
    ),  # fmt: skip
    "bf": (("boyfriend", "partner", "husband"), ("bf", "partner", "p/ner", "hubby")),
    "gf": (("girlfriend", "partner", "wife"), ("gf", "partner", "p/ner")),
    "family_member": (
        ("mother", "sister", "brother", "parents", "friends", "new partner", "employer"),
        ("mum", "sis", "bro", "parents", "mates", "new p/ner"),
    ),
    "duration": (("about an hour", "most of the evening", "hours", "20 minutes"), ("1hr+", "hrs")),
    "long": (
        ("several months", "about six weeks", "over a year", "the last few weeks", "a long time"),
        ("sev mths", "6 wks", "1yr+", "last few wks", "ages"),
    ),
    "since": (
        (
            "since the spring",
            "since March",
            "since they split up",
            "since the new year",
            "since the summer",
        ),
        ("since spring", "since split", "since NY", "since summer"),
    ),  # fmt: skip
    "time": (
        (
            "last night",
            "this morning",
            "earlier today",
            "yesterday evening",
            "over the weekend",
            "tonight",
            "this afternoon",
        ),
        ("last nt", "this am", "earlier", "yday eve", "o/wknd", "tonight", "this pm"),
    ),  # fmt: skip
    "scared": (
        ("very frightened", "scared", "terrified", "extremely anxious", "distressed", "shaken"),
        ("v scared", "frightened", "v anxious", "distressed", "shaken up"),
    ),
    "advice": (
        (
            "words of advice given",
            "safeguarding advice given",
            "advised to keep a diary",
            "advised to screenshot everything",
            "advised to call 999 if he returns",
            "advised re blocking and reporting",
        ),
        (
            "WOA given",
            "s/g advice given",
            "adv to keep diary",
            "adv screenshot",
            "adv 999 if returns",
            "adv re blocking",
        ),
    ),  # fmt: skip
    "risk": (("standard", "medium", "high"), ("std", "med", "high")),
    "pub": (
        ("the pub", "a bar in the town centre", "the kebab shop", "the nightclub", "the taxi rank"),
        ("pub", "bar", "kebab shop", "club", "taxi rank"),
    ),
    "store": (
        (
            "the Co-op",
            "Tesco Express",
            "Boots",
            "a convenience store",
            "Sainsbury's",
            "the pharmacy",
        ),
        ("co-op", "tesco exp", "boots", "shop", "sainsburys"),
    ),
    "items": (
        (
            "meat and alcohol",
            "razor blades",
            "cosmetics",
            "bottles of spirits",
            "baby milk",
            "food",
        ),
        ("meat/alcohol", "razors", "cosmetics", "spirits", "food items"),
    ),
    "dispute": (
        ("parking", "the boundary fence", "noise", "bins", "a hedge", "a shared driveway", "dogs"),
        ("parking", "fence", "noise", "bins", "hedge", "driveway"),
    ),
    "insult": (("abusive names", "a slag", "a liar", "fat", "useless"), ("names", "abuse")),
    "injury": (
        (
            "a cut to the head",
            "a bloody nose",
            "bruising to the face",
            "a swollen eye",
            "a suspected broken nose",
        ),
        ("cut to head", "bloody nose", "bruising", "swollen eye", "?broken nose"),
    ),  # fmt: skip
    "vehicle": (("car", "van", "vehicle"), ("veh", "car", "van")),
    "money": (("money owed", "a debt", "rent arrears", "a loan"), ("money owed", "debt", "loan")),
    "order": (
        (
            "restraining order",
            "non-molestation order",
            "stalking protection order",
            "bail conditions",
        ),
        ("RO", "NMO", "SPO", "bail conds"),
    ),
    "order_spo": (("stalking protection order", "the SPO", "interim SPO"), ("SPO", "iSPO")),
    "order_ro": (("restraining order", "the restraining order"), ("RO", "r/o")),
    "order_nmo": (("non-molestation order", "the non-mol order"), ("NMO", "non-mol")),
}

# ---- Fragments: key -> templates ---------------------------------------------------------------
# Slots in braces: V/S/C are the writer's terms for victim/suspect/caller; vpro/vpos/vobj and
# spro/spos/sobj are pronouns; rel is how the suspect is described; any other name is in SLOTS.

FRAGMENTS: dict[str, tuple[str, ...]] = {
    # Relationship context.
    "rel:ex_partner": (
        "{S} is {V}'s ex-{bf}",
        "{S} is ex {bf} of {V}, relationship ended {ended}",
        "{V} ended relationship with {S} {ended} and {spro} will not accept it",
        "parties were in a relationship, split {ended}",
        "ex {bf} of {V}",
        "{S} and {V} separated {ended}, have a child together",
        "DV history between parties",
    ),
    "rel:partner": (
        "{S} is {V}'s current {bf}",
        "parties live together",
        "{S} and {V} in a relationship for {long}",
    ),
    "rel:acquaintance": (
        "{S} known to {V} through friends",
        "{V} met {S} a couple of times socially",
        "{S} is a friend of a friend",
        "{S} used to go to the same gym as {V}",
        "{V} went on one date with {S}",
    ),
    "rel:online_only": (
        "{S} only known to {V} online",
        "{V} matched with {S} on a dating app",
        "{S} using an anonymous account",
        "{V} has never met {S} in person",
    ),
    "rel:stranger": (
        "{S} is unknown to {V}",
        "{V} does not know the male",
        "{V} first noticed {S} at {shop}",
        "unknown male, desc as white male 30s",
        "{V} cannot name {sobj}",
    ),
    "rel:colleague": (
        "{S} is a former colleague of {V}",
        "{S} works with {V}",
        "{S} was {V}'s manager until recently",
    ),
    "rel:neighbour": (
        "{S} lives a few doors down from {V}",
        "{S} is {V}'s neighbour",
        "{S} lives in the flat above",
    ),
    "rel:family": ("{S} is {V}'s brother-in-law", "{S} is {V}'s cousin", "{S} is {V}'s stepfather"),
    # Stalking behaviours (s2A examples, domain.md 3.1), roughly by escalation stage.
    "beh:messages": (
        "{S} has sent {V} {many} {msgs} {via} {freq}",
        "{V} receiving {many} {msgs} from {S} {freq}",
        "{S} continues to message {V} {via} despite being told to stop",
        "{S} bombarding {V} with {msgs} {freq}",
        "{many} {msgs} from {S} {via}, some begging, some abusive",
        "{S} keeps contacting {V} {via} {freq}",
        "{V} has blocked {S} but {spro} keeps messaging from new numbers",
    ),
    "beh:calls": (
        "{many} {calls} from {S} {freq}",
        "{S} ringing {V} {some} times a day from {withheld}",
        "{V} getting {calls} from {withheld}, believes it is {S}",
        "{S} calling {V} {freq} and leaving voicemails",
    ),
    "beh:gifts": (
        "{S} left {gift} on {V}'s doorstep",
        "{gift} sent to {V}'s {work} from {S}",
        "letters put through {V}'s door by {S}",
        "{S} left {gift} on {V}'s car",
    ),
    "beh:third_party": (
        "{S} contacting {V}'s {family_member} asking where {vpro} is",
        "{S} messaging {V}'s {family_member} {freq}",
        "{S} turned up at {V}'s {family_member}'s address asking for {vobj}",
    ),
    "beh:social": (
        "{S} commenting on all of {V}'s posts on {platform}",
        "{S} created fake {platform} accounts to follow {V}",
        "{S} viewing {V}'s stories from new accounts",
        "{V} blocked {S} on {platform} but {spro} makes new accounts",
        "{S} sending friend requests to {V}'s {family_member}",
    ),
    "beh:publishing": (
        "{S} posted {V}'s address on {platform}",
        "{S} posting about {V} on {platform}",
        "{S} put up posts claiming to be {V}",
        "{S} posted screenshots of {V}'s {msgs} on {platform}",
    ),
    "beh:monitoring": (
        "{V} found {tracker} on {vpos} {vehicle}",
        "{S} seems to know where {V} is at all times",
        "{S} logged into {V}'s {account} account",
        "{S} knows things only on {V}'s phone, ?spyware",
        "location sharing switched on on {V}'s phone without consent",
    ),
    "beh:turn_up_home": (
        "{S} {turned_up} {V}'s {home} {time}",
        "{S} knocking on {V}'s door and shouting through letterbox",
        "{S} {turned_up} {V}'s {home} uninvited again",
        "{S} at {V}'s {home} {some} times this week",
        "{S} sat outside {V}'s {home} in {spos} {vehicle} for {duration}",
    ),
    "beh:turn_up_work": (
        "{S} {turned_up} {V}'s {work} {time}",
        "{S} waiting outside {V}'s {work} when {vpro} finished",
        "{S} has been to {V}'s {work} {some} times",
    ),
    "beh:following": (
        "{S} followed {V} to {shop}",
        "{V} saw {S}'s {vehicle} behind {vobj} on the {road}",
        "{S} following {V} round {shop}",
        "{S} keeps turning up wherever {V} goes",
        "{S} followed {V} home from {work}",
    ),
    "beh:watching": (
        "{S} seen hanging around outside {V}'s {home}",
        "neighbour saw {S} watching {V}'s {home}",
        "{S} walking past {V}'s {home} repeatedly",
        "{S} watching {V} from across the road",
        "{V} feels {vpro} is being watched",
        "{S} loitering near {V}'s {work}",
    ),
    "beh:property": (
        "{S} {damaged} {V}'s {vehicle}",
        "{V}'s {vehicle} tyres slashed overnight, believes it was {S}",
        "{S} smashed {V}'s front window",
        "paint thrown over {V}'s {vehicle}",
        "{S} kicked {V}'s front door",
    ),
    "beh:threats": (
        "{S} {threatened} to kill {V}",
        "{S} said if {spro} can't have {V} no one can",
        "{S} messaged saying {V} will regret it",
        "{S} threatened to burn {V}'s house down",
        "{S} threatened to hurt {V}'s {family_member}",
    ),
    "beh:violence": (
        "{S} grabbed {V} by the arm",
        "{S} pushed {V} into a wall",
        "{S} punched {V} to the face",
        "{S} put hands round {V}'s neck",
        "{S} assaulted {V} outside {vpos} {home}",
    ),
    "beh:breach": (
        "{S} contacted {V} in breach of {order}",
        "{order} in place, no contact condition, {S} {turned_up} {V}'s {home}",
        "{S} messaged {V} despite {order}",
        "breach of {order}: {S} seen in exclusion zone",
    ),
    "beh:notify": (
        "{S} failed to notify new address within 3 days as required by SPO",
        "{S} has not told police of new name used, required under SPO",
    ),
    # History, impact, actions.
    "hist": (
        "ongoing for {long}",
        "ongoing {since}",
        "previous reports re {S} on system",
        "this has been going on for {long}",
        "this has been happening {since}",
        "{V} says it happens {freq}",
        "several previous logs re same male",
        "{V} kept a diary of incidents",
        "further to previous report",
    ),
    "impact": (
        "{V} {scared}",
        "{V} {scared} and not sleeping",
        "{V} has changed route to work",
        "{V} too scared to go out",
        "{V} staying with {vpos} {family_member}",
        "{V} {scared}, crying on the phone",
        "{V} frightened {S} will hurt {vobj}",
    ),
    "act:call": (
        "{advice}",
        "officers deployed",
        "DASH completed, {risk} risk",
        "call back arranged",
        "officers to attend",
        "{S} not at {spos} address on attendance",
        "log passed to local team",
    ),
    "act:crime": (
        "crime raised",
        "statement obtained from {V}",
        "{S} to be arrested",
        "{S} circulated as wanted",
        "CCTV to be reviewed",
        "OIC to update {V}",
        "{S} interviewed, denies",
        "{S} arrested and bailed",
        "house to house completed",
        "enquiries ongoing",
    ),
    # When nobody is identified.
    "act:unknown": (
        "no suspects at this time",
        "CCTV to be reviewed",
        "house to house completed, no witnesses",
        "no lines of enquiry",
        "forensics requested",
        "crime raised, filed pending further information",
    ),
    # What an officer who recognised stalking tends to add.
    "act:stalking": (
        "S-DASH completed",
        "SPO to be considered",
        "screenshots obtained, phone download requested",
        "stalking crime raised",
        "ISAC referral made",
        "{V} given Paladin and helpline details",
        "DS review: stalking, not harassment",
    ),
    "act:noncrime": (
        "no offences disclosed",
        "civil matter",
        "{advice}",
        "no further police action",
        "passed to partner agency",
        "NFA",
    ),
    # Non-stalking topics.
    "harass:neighbour": (
        "ongoing dispute between {V} and {S} over {dispute}",
        "{S} shouting abuse at {V} whenever {vpro} leaves the house",
        "{S} playing loud music and banging on walls",
        "{S} swearing at {V} over {dispute} again",
        "neighbour dispute over {dispute}, both parties spoken to",
    ),
    "harass:general": (
        "{S} sending abusive {msgs} to {V} over {money}",
        "falling out between {V} and {S}, {S} keeps calling {vobj} {insult}",
        "{S} spreading rumours about {V} at work",
        "{S} keeps coming up to {V} in the street and having a go over {money}",
    ),
    "mal:comms": (
        "{V} received abusive {msgs} from {S} calling {vobj} {insult}",
        "threatening voicemail left for {V}",
        "offensive comments about {V} posted on {platform}",
        "{S} sent {V} a grossly offensive message {via}",
        "{V} received an indecent image {via} from {S}",
    ),
    "s127": (
        "persistent nuisance {calls} to {V}",
        "{S} sending offensive {msgs} {via}",
        "{V} getting menacing {calls} from {withheld}",
    ),
    "racial": (
        "{S} made racist remarks to {V}",
        "{S} shouting racial abuse at {V} in the street",
        "{V} subjected to racially abusive {msgs} from {S}",
        "racist graffiti and comments from {S} towards {V}'s family",
    ),
    "ccb": (
        "{S} controls {V}'s money",
        "{S} checks {V}'s phone every day",
        "{V} not allowed to see {vpos} friends",
        "{S} tracks {V}'s location through an app",
        "{S} tells {V} what to wear and where to go",
        "{V} isolated from {vpos} {family_member}",
        "{S} takes {V}'s bank card and phone",
    ),
    "assault:night": (
        "fight outside {pub}, {V} punched by {S}",
        "{V} assaulted by unknown male in {pub}",
        "{V} pushed over by {S} outside {pub}",
        "altercation at {pub}, {V} sustained {injury}",
    ),
    "assault:domestic": (
        "verbal argument between {V} and {S} escalated, {S} pushed {V}",
        "{S} slapped {V} during argument",
        "domestic, {V} has {injury} after argument with {S}",
    ),
    "assault:other": (
        "{V} assaulted at the school gates by {S}",
        "road rage, {S} got out of {spos} {vehicle} and punched {V}",
        "{V} assaulted by {S} over {money}",
        "{V} attacked by group of youths, sustained {injury}",
    ),
    "threats:kill": (
        "{S} threatened to kill {V} during argument over {money}",
        "{S} said {spro} would stab {V}",
        "{S} threatened to kill {V} and {vpos} family",
    ),
    "sexual": (
        "{V} touched inappropriately by {S} at {pub}",
        "indecent exposure by unknown male near the park",
        "{S} shared intimate images of {V} online without consent",
        "sexual assault reported, {V} spoken to by specialist officer",
        "{V} reports being sexually assaulted by {S}",
    ),
    "public_order": (
        "{S} shouting and swearing in the street causing alarm",
        "drunk male abusive to door staff at {pub}",
        "{S} threatening behaviour towards {V} in {shop}",
        "road rage incident, {S} shouted threats at {V}",
        "{S} abusive to staff at {store}",
    ),
    "damage": (
        "{V}'s {vehicle} window smashed overnight, no suspects",
        "graffiti sprayed on {V}'s wall",
        "wing mirror kicked off {V}'s {vehicle}",
        "{S} damaged {V}'s fence during dispute over {dispute}",
        "bus shelter glass smashed",
        "window at {store} smashed",
    ),
    "theft": (
        "male entered {store}, concealed {items} and left without paying",
        "{V}'s purse taken from {vpos} bag in {shop}",
        "bike stolen from outside the station",
        "parcel stolen from {V}'s doorstep",
        "phone snatched from {V}'s hand",
        "{V}'s {vehicle} broken into, tools taken",
    ),
    "burglary": (
        "house broken into via rear door while {V} at {work}",
        "jewellery and cash taken from {V}'s {home}",
        "back window forced, property searched",
        "{V} woke to find front door open and laptop gone",
    ),
    "weapons": (
        "{S} found in possession of a knife during stop search",
        "lock knife recovered from {S} in {shop}",
        "{S} seen with a blade outside {store}",
    ),
    "other": (
        "{S} gave false details to police",
        "{S} found drunk and incapable",
        "wasting police time, false report by {S}",
        "{S} interfering with a witness",
    ),
    "arson": ("wheelie bin set alight outside {V}'s {home}", "{vehicle} set on fire overnight"),
    # Hard negatives: share words with stalking, are not stalking.
    "neg:car_sale": (
        "{V} and {S} exchanging {msgs} about the car sale, buyer says car faulty",
        "{msgs} about the car sale, buyer wants money back, civil matter",
        "{S} keeps messaging {V} about {money}, civil",
    ),
    "neg:procedure": (
        "officers followed the procedure",
        "followed up with caller by phone",
        "followed up next day, all in order",
        "staff followed the correct procedure",
    ),
    "neg:child_contact": (
        "ex-partner dispute over child contact arrangements, civil matter",
        "{V} and ex-partner arguing over handover times",
        "ex-partner turned up at address to collect belongings, left when asked",
    ),
    "neg:loitering": (
        "youths loitering outside {store}",
        "group hanging around the park, ASB",
        "suspicious male looking into cars, left area",
    ),
    "neg:tracking": (
        "tracking shows parcel delivered but not received",
        "caller tracked lost phone to an address",
        "{V} concerned about neighbour's CCTV pointing at garden",
    ),
    "neg:welfare": (
        "concern for welfare, {V} not answering phone",
        "family worried about {V}, not heard from for days",
        "welfare check completed, {V} safe and well",
    ),
    "neg:noise": ("noise complaint, party next door", "dog barking all day, council matter"),
}

# Opening tags some call handlers start a log with, by what they thought the call was.
TAGS: dict[str, tuple[str, ...]] = {
    "stalking": ("STALKING", "STALK/HARASS", "DOMESTIC", "HARASSMENT"),
    "harassment": ("HARASSMENT", "NEIGHBOUR DISPUTE", "ASB"),
    "domestic": ("DOMESTIC", "DA", "DOM"),
    "violence": ("ASSAULT", "FIGHT", "VIOLENCE"),
    "property": ("THEFT", "CRIM DAM", "BURGLARY"),
    "other": ("CONCERN", "ADVICE", "MISC", "SUSPICIOUS"),
}
