"""Trigger patterns → CAMEO codes, and the modality and negation that change them.

Each rule is a regular expression over the lower-cased sentence and the CAMEO code of the event
it names; PLOVER type, QuadClass and Goldstein weight come from the package's CAMEO table
(:mod:`bilateral.codes`). The earliest trigger in a sentence is its event. A trigger preceded by
a promise (``will``, ``pledged to``, ``offered to``…) becomes an intent (CAMEO 03: cooperative
roots) or a threat (13: conflictual roots); one preceded by a negation or refusal (``refused
to``, ``did not``, ``will not``) of a cooperative act becomes a rejection (12); a negated
conflictual act is no event.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RULES: tuple[tuple[str, str], ...] = (
    # 13 threaten
    (r"\bthreat(?:en|ens|ened|ening)?\b", "130"),
    (r"\bwarn(?:s|es|ed|d|ing)?\b", "130"),
    (r"\bultimatum\b", "1313"),
    (r"\bvow(?:s|ed)? to (?:retaliate|fight|destroy|strike)\b", "138"),
    # 12 reject
    (r"\breject(?:s|es|ed|d|ing)?\b", "120"),
    (r"\brefus(?:e|es|ed|ing)\b", "120"),
    (r"\bdeclin(?:e|es|ed|ing) to\b", "120"),
    (r"\bdismiss(?:es|ed|ing)?\b", "120"),
    (r"\bturn(?:s|ed)? down\b", "120"),
    (r"\bvetoe?(?:s|es|ed|d|ing)?\b", "1246"),
    (r"\boppos(?:e|es|ed|ing)\b", "120"),
    (r"\brenege?(?:s|es|ed|d|ing)?\b", "120"),
    (r"\bviolat(?:e|es|ed|ing)\b", "128"),
    (r"\bdefi(?:ed|es|ance)\b|\bdefy(?:ing)?\b", "128"),
    (r"\bout of the question\b", "120"),
    (r"\bboycott(?:s|es|ed|d|ing)?\b", "1246"),
    (r"\bdeni(?:ed|es)\b|\bdeny(?:ing)?\b", "120"),
    (r"\bblock(?:s|ed|ing)? (?:a|the|any)? ?(?:resolution|proposal|plan|deal|vote|move)\b", "120"),
    # 10 demand / 02 appeal
    (r"\bdemand(?:s|es|ed|d|ing)?\b", "100"),
    (r"\binsist(?:s|es|ed|d|ing)?\b", "100"),
    (r"\bmust\b", "100"),
    (r"\bcall(?:s|ed|ing)? (?:on|for|upon)\b", "100"),
    (r"\burg(?:e|es|ed|ing)\b", "100"),
    (r"\bpress(?:es|ed|ing)? (?:for|hard)\b", "100"),
    (r"\bpush(?:es|ed|ing)? (?:hard )?for\b", "100"),
    (r"\bpressur(?:e|es|ed|ing)\b", "100"),
    (r"\bsought\b|\bseek(?:s|es|ed|d|ing)?\b", "100"),
    (r"\bappeal(?:s|es|ed|d|ing)? (?:to|for)\b", "100"),
    (r"\bask(?:s|es|ed|d|ing)?\b", "100"),
    (r"\brequest(?:s|es|ed|d|ing)?\b", "100"),
    (r"\bissu(?:e|es|ed|ing) (?:a )?(?:stern )?(?:reminder|declaration)\b", "100"),
    # 11 disapprove / 09 investigate
    (r"\baccus(?:e|es|ed|ing)\b", "112"),
    (r"\bcondemn(?:s|es|ed|d|ing)?\b", "111"),
    (r"\bdenounc(?:e|es|ed|ing)\b", "111"),
    (r"\bcriticis|\bcriticiz", "111"),
    (r"\bblam(?:e|es|ed|ing)\b", "112"),
    (r"\bcomplain(?:s|es|ed|d|ing)?\b", "111"),
    (r"\bcharg(?:e|es|ed|ing) (?:that|with)\b", "112"),
    (r"\bindict(?:s|es|ed|d|ing)?\b", "115"),
    (r"\bsu(?:e|es|ed|ing) (?:the|for)\b|\bis suing\b", "115"),
    (r"\bprotest(?:s|es|ed|d|ing)? (?:to|with|against)\b", "111"),
    (r"\blodg(?:e|es|ed|ing) (?:an? )?(?:official |formal |strong )?protest\b", "111"),
    (r"\bdisapprov", "110"),
    (r"\bdeplor", "111"),
    (r"\bregret(?:s|es|ed|d|ing)?\b", "111"),
    (r"\binvestigat(?:e|es|ed|ing|ion|ions)\b", "090"),
    (r"\binquir(?:y|ies)\b|\bprob(?:e|es|ed|ing)\b", "090"),
    (r"\binspectors?\b", "090"),
    (r"\bhearing\b", "090"),
    # 14 protest
    (r"\bdemonstrat(?:e|ed|es|ing|ion|ions|ors)\b", "141"),
    (r"\bprotest(?:s|es|ed|d|ing)?\b", "141"),
    (r"\bral(?:ly|lied|lies|lying)\b", "141"),
    (r"\bmarch(?:ed|es)?\b", "141"),
    (r"\bhunger strike\b", "142"),
    (r"\bstrik(?:e|es|ing)\b(?! (?:at|on|a target))|\bwalk(?:ed)? out\b", "143"),
    (r"\bstopped work\b|\bshunned work\b", "143"),
    (r"\bblock(?:ed|ing)? (?:the )?(?:streets?|roads?|traffic)\b", "144"),
    (r"\briot(?:s|es|ed|d|ing)?\b", "145"),
    (r"\bsit-in\b", "144"),
    (r"\bsignatures\b", "140"),
    # 15 mobilize
    (r"\bmobili[sz](?:s|es|ed|d|ing)?\b", "150"),
    (r"\bon (?:high )?alert\b", "151"),
    (r"\breinforc|\bstrengthen(?:ed)? (?:its )?forces\b", "152"),
    (r"\bmass(?:ed|ing) (?:troops|forces)\b|\bdeploy(?:s|ed|ing)? (?:troops|forces|missiles|warships)\b", "152"),
    (r"\b(?:military )?(?:exercises|drills|manoeuvres|maneuvers)\b", "152"),
    (r"\bpatrols?\b", "150"),
    (r"\btrain(?:ed|s)? (?:more than )?\d*\s*(?:hackers|troops|fighters)\b", "154"),
    # 16 reduce relations
    (r"\bsanction(?:s|es|ed|d|ing)?\b", "163"),
    (r"\bembargo(?:es|ed)?\b", "163"),
    (r"\bexpel(?:s|led|ling)?\b", "1663"),
    (r"\bsever(?:s|ed|ing)? (?:diplomatic )?(?:ties|relations)\b|\bbroke off\b|\bbreak off\b", "161"),
    (r"\bsuspend(?:s|es|ed|d|ing)?\b|\bsuspension\b", "160"),
    (r"\bhalt(?:s|es|ed|d|ing)?\b", "160"),
    (r"\bcut(?:s|ting)? off\b", "160"),
    (r"\bcancel(?:s|led|ed|ling|ing)?\b", "160"),
    (r"\bwithdr(?:aw|ew|awn|awing|aws) (?:its |the )?(?:ambassador|aid|support)\b", "161"),
    (r"\brecall(?:s|es|ed|d|ing)? (?:its |the )?ambassador\b", "161"),
    (r"\bend(?:s|ed)? (?:its )?mediation\b", "1622"),
    (r"\breduc(?:e|es|ed|ing)\b", "160"),
    (r"\bprohibit(?:s|es|ed|d|ing)?\b", "163"),
    (r"\bforc(?:ed|es|e) .{0,30}\bout\b", "1663"),
    (r"\bshipped out\b", "166"),
    (r"\bclos(?:e|ed|es|ing) (?:its |the )?(?:southern |northern )?(?:borders?|embassy)\b", "1621"),
    # 17 coerce
    (r"\barrest(?:s|es|ed|d|ing)?\b", "173"),
    (r"\bdetain(?:s|es|ed|d|ing)?\b", "173"),
    (r"\bjail(?:s|es|ed|d|ing)?\b", "173"),
    (r"\bkidnap(?:s|ped|ping)?\b|\bhostages?\b|\babduct", "181"),
    (r"\bdeport(?:s|es|ed|d|ing)?\b", "174"),
    (r"\bconfiscat(?:e|ed|es|ing)\b|\bseiz(?:e|ed|es|ing)\b", "1711"),
    (r"\bdemolish(?:s|es|ed|d|ing)?\b", "1712"),
    (r"\bset fire\b|\bblew up\b|\bblow(?:s)? up\b", "1712"),
    (r"\bban(?:s|ned|ning)?\b|\boutlaw(?:s|es|ed|d|ing)?\b", "1721"),
    (r"\bcurfew\b", "1723"),
    (r"\bstate of (?:siege|emergency)\b|\bmartial law\b", "1724"),
    (r"\bblockad(?:e|es|ed)\b", "191"),
    (r"\bprevent(?:s|es|ed|d|ing)?\b", "170"),
    (r"\bcrack(?:s|ed)? down\b|\bcrackdown\b", "175"),
    (r"\bhack(?:ed|ing)? into\b|\bcyber\b|\bdefac(?:e|ed)\b", "170"),
    (r"\bexpropriat|\bnationali[sz]", "1711"),
    (r"\bsuspend(?:ed)? publication\b|\bcensor", "1722"),
    (r"\bhuman shields?\b", "181"),
    (r"\bblackout\b", "1722"),
    (r"\bdispers(?:e|ed|ing)\b|\btear gas\b", "175"),
    # 18 assault
    (r"\bbomb(?:s|ed|ing|ings)?\b|\bsuicide\b|\bexplosi(?:on|ve)\b|\bexploded\b", "183"),
    (r"\btortur(?:e|ed|es|ing)\b", "1823"),
    (r"\bassassinat", "186"),
    (r"\bbeat(?:s|en|ing)? up\b", "182"),
    (r"\bsexually abused\b|\braped?\b", "1821"),
    (r"\battack(?:s|ed|ing)?\b", "180"),
    (r"\bmassacre", "180"),
    (r"\bkill(?:s|ed|ing)?\b", "180"),
    (r"\bwound(?:s|ed|ing)?\b", "180"),
    (r"\bmurder(?:s|es|ed|d|ing)?\b", "180"),
    (r"\bethnic cleansing\b|\bgenocide\b", "202"),
    # 19 fight
    (r"\bshell(?:s|ed|ing)?\b|\bartillery\b|\bmortar\b|\brockets?\b|\bmissiles?\b(?= (?:killed|hit|struck))", "194"),
    (r"\bopen(?:s|ed)? fire\b|\bfired\b|\bgunbattle\b|\bclash(?:es|ed)?\b|\bfighting\b|\bfought\b", "190"),
    (r"\binva(?:de|ded|des|sion)\b", "192"),
    (r"\bcaptur(?:e|ed|es|ing)\b|\bretak(?:e|en)\b|\boccup(?:y|ied)\b", "192"),
    (r"\bair ?(?:raid|strike)s?\b|\bbombard", "195"),
    (r"\bwar\b(?! games)", "190"),
    # 06 cooperate, 07 aid, 08 yield
    (r"\bextradit(?:e|ed|es|ing)\b", "063"),
    (r"\bshar(?:e|ed|es|ing) (?:evidence|intelligence|information|expertise)\b", "064"),
    (r"\bwar games\b|\bjoint (?:military )?exercises?\b", "062"),
    (r"\bcooperat(?:e|ed|es|ing|ion)\b", "060"),
    (r"\btrade\b|\binvest(?:s|es|ed|d|ing)?\b", "061"),
    (r"\baid\b|\bassistance\b|\bdonat(?:e|ed|es|ing)\b|\bgrant(?:s|ed)?\b|\bloans?\b", "070"),
    (r"\bsen(?:d|ds|t|ding) (?:arms|weapons|troops|material|food|medicine)\b|\bhanded over\b", "070"),
    (r"\bdeliver(?:s|es|ed|d|ing)?\b", "070"),
    (r"\bg(?:ive|ives|ave|iven|iving)\b", "070"),
    (r"\bprovid(?:e|es|ed|ing)\b|\bsupplie[sd]\b|\bsupply\b", "070"),
    (r"\bevacuat(?:e|ed|es|ing)\b", "073"),
    (r"\basylum\b|\brefuge\b", "075"),
    (r"\bpeace-?keep", "074"),
    (r"\blift(?:s|es|ed|d|ing)?\b|\beas(?:e|ed|es|ing)\b|\bshorten(?:s|es|ed|d|ing)?\b", "081"),
    (r"\bceasefire\b|\bcease-fire\b|\btruce\b", "0871"),
    (r"\bwithdr(?:aw|ew|awn|awing|aws|awal)\b|\bpull(?:back|out)\b", "0874"),
    (r"\breleas(?:e|ed|es|ing)\b|\bfreed\b", "0841"),
    (r"\bresign(?:s|es|ed|d|ing)?\b|\bstep(?:s|ped)? down\b", "0831"),
    (r"\bconcede(?:s|es|ed|d|ing)?\b|\bconcession", "080"),
    (r"\bcalled off\b|\bcall(?:s)? off\b", "082"),
    (r"\ballow(?:s|es|ed|d|ing)?\b|\bpermit(?:s|ted)?\b", "080"),
    (r"\breturn(?:s|ed|ing)? (?:weapons|the|property)\b", "084"),
    (r"\bopen(?:s|ed)? (?:its )?(?:borders?|the bridge)\b|\breceiv(?:e|ed|es)\b", "086"),
    # 05 diplomatic cooperation, 04 consult, 03 intent
    (r"\bsign(?:s|ed|ing)?\b", "057"),
    (r"\bpraise(?:s|es|ed|d|ing)?\b|\bhail(?:s|es|ed|d|ing)?\b|\bwelcom(?:e|ed|es|ing)\b", "051"),
    (r"\bcommend(?:s|es|ed|d|ing)?\b|\bapplaud(?:s|es|ed|d|ing)?\b|\bcongratulat", "051"),
    (r"\bdefend(?:s|es|ed|d|ing)?\b", "052"),
    (r"\bapologi[sz](?:s|es|ed|d|ing)?\b", "055"),
    (r"\bforgiv(?:e|es|en|ing)\b", "056"),
    (r"\brecogni[sz](?:s|es|ed|d|ing)?\b", "054"),
    (r"\b(?:upgrad|establish|restor|normali[sz])(?:e|ed|es|ing)? (?:full )?(?:its |their )?diplomatic\b", "050"),
    (r"\bsupport(?:s|es|ed|d|ing)?\b|\bback(?:s|ed|ing)\b|\bendors(?:e|ed|es)\b", "050"),
    (r"\btreaty\b|\bagreements?\b|\baccords?\b|\bpact\b|\bdeclaration\b", "057"),
    (r"\btelephon(?:s|es|ed|d|ing)?\b|\bphoned?\b", "041"),
    (r"\bvisit(?:s|es|ed|d|ing)?\b|\btrip\b|\btour(?:s|es|ed|d|ing)?\b", "042"),
    (r"\barriv(?:e|ed|es|ing)\b", "042"),
    (r"\bhost(?:s|ed|ing)?\b|\bwelcome\b", "043"),
    (r"\bmediat(?:e|ed|es|ing|ion|or)\b", "045"),
    (r"\bnegotiat(?:e|ed|es|ing|ion|ions)\b", "046"),
    (r"\btalks?\b|\bmet\b|\bmeet(?:s|ing|ings)?\b|\bsummit\b", "040"),
    (r"\bdiscuss(?:es|ed|ing)?\b|\bconsult(?:s|ed|ing)?\b", "040"),
    (r"\bagree(?:s|d|ing)?\b|\bconsensus\b|\baccept(?:s|es|ed|d|ing)?\b", "030"),
    (r"\bpromis(?:e|es|ed|ing)\b|\bpledg(?:e|es|ed|ing)\b|\boffer(?:s|es|ed|d|ing)?\b|\bcommitted to\b", "030"),
    (r"\bwilling to\b|\bready to\b|\bprepared to\b|\bintend(?:s|es|ed|d|ing)? to\b", "030"),
    (r"\bjoint (?:economic )?(?:activity|activities|development|venture)\b", "0311"),
)
"""(pattern, CAMEO code): patterns are searched in the lower-cased sentence."""

MODAL = re.compile(r"\b(?:will|would|shall|plans? to|planned to|intends? to|promis\w+ to|pledg\w+ to|vow\w* to|"
                   r"offer\w* to|ready to|willing to|prepared to|agreed to|decided to|committed to|expects? to|"
                   r"going to|to be)\s+(?:\w+\s+){0,2}$")
"""A promise or plan right before a trigger."""

NEGATION = re.compile(r"\b(?:not|never|no longer|n't|refus\w* to|declin\w* to|without)\s+(?:\w+\s+){0,2}$")
"""A negation or refusal right before a trigger."""

REPORTING = re.compile(r"\b(?:said|says|say|told|reported|announced|quoted|according to|stated|confirmed|"
                       r"claimed|added|noted|wrote|argued|explained)\b")
"""Words that report speech: neither trigger nor actor boundary."""

_INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
_THREAT = {"14": "1314", "16": "1312", "17": "1313", "15": "138", "18": "138", "19": "138", "20": "138"}
_REJECT = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "123"}

_COMPILED = tuple((re.compile(pattern), code) for pattern, code in RULES)


@dataclass(frozen=True)
class Trigger:
    """The event word(s) of a sentence and the code they give, after modality and negation."""

    start: int
    end: int
    code: str
    base_code: str
    modality: str
    rule: str


def find_trigger(lower: str, skip: tuple[tuple[int, int], ...] = ()) -> Trigger | None:
    """The earliest rule match in ``lower`` outside the spans ``skip`` (actor phrases), modality applied."""
    best: tuple[int, int, int, str] | None = None
    for number, (pattern, code) in enumerate(_COMPILED):
        for match in pattern.finditer(lower):
            if any(a <= match.start() < b for a, b in skip):
                continue
            key = (match.start(), -(match.end() - match.start()), number, code)
            if best is None or key < (best[0], -(best[1] - best[0]), best[2], best[3]):
                best = (match.start(), match.end(), number, code)
            break
    if best is None:
        return None
    start, end, number, code = best
    before = lower[max(0, start - 40): start]
    root = code[:2]
    if NEGATION.search(before):
        if root not in _REJECT:
            return None
        return Trigger(start, end, _REJECT[root], code, "negated", f"R{number:03d}+negation")
    if MODAL.search(before):
        if root in _INTENT:
            return Trigger(start, end, _INTENT[root], code, "promise", f"R{number:03d}+promise")
        if root in _THREAT:
            return Trigger(start, end, _THREAT[root], code, "threat", f"R{number:03d}+threat")
    return Trigger(start, end, code, code, "", f"R{number:03d}")
