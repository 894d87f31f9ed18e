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

RULES: tuple[tuple[str, str, str], ...] = (
    # 13 threaten
    (r"(?<!-)\bthreat(?:en|ens|ened|ening)?\b", "130", "verb"),
    (r"\bwarn(?:s|es|ed|d|ing)?\b", "130", "verb"),
    (r"\bultimatum\b", "1313", "verb"),
    (r"\bvow(?:s|ed)? to (?:retaliate|fight|destroy|strike)\b", "138", "verb"),
    # 12 reject
    (r"\breject(?:s|es|ed|d|ing)?\b", "120", "verb"),
    (r"\brefus(?:e|es|ed|ing)\b", "120", "verb"),
    (r"\bdeclin(?:e|es|ed|ing) to\b", "120", "verb"),
    (r"\bdismiss(?:es|ed|ing)?\b", "120", "verb"),
    (r"\bturn(?:s|ed)? down\b", "120", "verb"),
    (r"\bvetoe?(?:s|es|ed|d|ing)?\b", "1246", "verb"),
    (r"\boppos(?:e|es|ed|ing)\b", "120", "verb"),
    (r"\brenege?(?:s|es|ed|d|ing)?\b", "120", "verb"),
    (r"\bviolat(?:e|es|ed|ing)\b", "128", "verb"),
    (r"\bdefi(?:ed|es|ance)\b|\bdefy(?:ing)?\b", "128", "verb"),
    (r"\bout of the question\b", "120", "verb"),
    (r"\bboycott(?:s|es|ed|d|ing)?\b", "1246", "verb"),
    (r"\bdeni(?:ed|es)\b|\bdeny(?:ing)?\b", "120", "verb"),
    (r"\bblock(?:s|ed|ing)? (?:a|the|any)? ?(?:resolution|proposal|plan|deal|vote|move)\b", "120", "verb"),
    # 10 demand / 02 appeal
    (r"\bdemand(?:s|es|ed|d|ing)?\b", "100", "verb"),
    (r"\binsist(?:s|es|ed|d|ing)?\b", "100", "verb"),
    (r"\bmust\b", "100", "verb"),
    (r"\bcall(?:s|ed|ing)? (?:on|for|upon)\b", "100", "verb"),
    (r"\burg(?:e|es|ed|ing)\b", "100", "verb"),
    (r"\bpress(?:es|ed|ing)? (?:for|hard)\b", "100", "verb"),
    (r"\bpush(?:es|ed|ing)? (?:hard )?for\b", "100", "verb"),
    (r"\bpressur(?:e|es|ed|ing)\b", "100", "verb"),
    (r"\bsought\b|\bseek(?:s|es|ed|d|ing)?\b", "100", "verb"),
    (r"\bappeal(?:s|es|ed|d|ing)? (?:to|for)\b", "100", "verb"),
    (r"\bask(?:s|es|ed|d|ing)?\b", "100", "verb"),
    (r"\brequest(?:s|es|ed|d|ing)?\b", "100", "verb"),
    (r"\bissu(?:e|es|ed|ing) (?:a )?(?:stern )?(?:reminder|declaration)\b", "100", "verb"),
    # 11 disapprove / 09 investigate
    (r"\baccus(?:e|es|ed|ing)\b", "112", "verb"),
    (r"\bcondemn(?:s|es|ed|d|ing)?\b", "111", "verb"),
    (r"\bdenounc(?:e|es|ed|ing)\b", "111", "verb"),
    (r"\bcriticis|\bcriticiz", "111", "verb"),
    (r"\bblam(?:e|es|ed|ing)\b", "112", "verb"),
    (r"\bcomplain(?:s|es|ed|d|ing)?\b", "111", "verb"),
    (r"\bcharg(?:e|es|ed|ing) (?:that|with)\b", "112", "verb"),
    (r"\bindict(?:s|es|ed|d|ing)?\b", "115", "verb"),
    (r"\bsu(?:e|es|ed|ing) (?:the|for)\b|\bis suing\b", "115", "verb"),
    (r"\bprotest(?:s|es|ed|d|ing)? (?:to|with|against)\b", "111", "verb"),
    (r"\blodg(?:e|es|ed|ing) (?:an? )?(?:official |formal |strong )?protest\b", "111", "verb"),
    (r"\bdisapprov", "110", "verb"),
    (r"\bdeplor", "111", "verb"),
    (r"\bregret(?:s|es|ed|d|ing)?\b", "111", "verb"),
    (r"\binvestigat(?:e|es|ed|ing|ion|ions)\b", "090", "verb"),
    (r"\binquir(?:y|ies)\b|\bprob(?:e|es|ed|ing)\b", "090", "verb"),
    (r"\binspectors?\b", "090", "noun"),
    (r"\bhearing\b", "090", "noun"),
    # 14 protest
    (r"\bdemonstrat(?:e|ed|es|ing|ion|ions|ors)\b", "141", "verb"),
    (r"\bprotest(?:s|es|ed|d|ing)?\b", "141", "verb"),
    (r"\bral(?:ly|lied|lies|lying)\b", "141", "verb"),
    (r"\bmarch(?:ed|es)?\b", "141", "verb"),
    (r"\bhunger strike\b", "142", "verb"),
    (r"\bstrik(?:e|es|ing)\b(?! (?:at|on|a target))|\bwalk(?:ed)? out\b", "143", "verb"),
    (r"\bstopped work\b|\bshunned work\b", "143", "verb"),
    (r"\bblock(?:ed|ing)? (?:the )?(?:streets?|roads?|traffic)\b", "144", "verb"),
    (r"\briot(?:s|es|ed|d|ing)?\b", "145", "verb"),
    (r"\bsit-in\b", "144", "verb"),
    (r"\bsignatures\b", "140", "noun"),
    # 15 mobilize
    (r"\bmobili[sz](?:s|es|ed|d|ing)?\b", "150", "verb"),
    (r"\bon (?:high )?alert\b", "151", "verb"),
    (r"\breinforc|\bstrengthen(?:ed)? (?:its )?forces\b", "152", "verb"),
    (r"\bmass(?:ed|ing) (?:troops|forces)\b", "152", "verb"),
    (r"\bdeploy(?:s|ed|ing)? (?:troops|forces|missiles|warships)\b", "152", "verb"),
    (r"\b(?:military )?(?:exercises|drills|manoeuvres|maneuvers)\b", "152", "noun"),
    (r"\b(?:ordered|launched|stepped up|increased) patrols?\b", "150", "verb"),
    (r"\btrain(?:ed|s)? (?:more than )?\d*\s*(?:hackers|troops|fighters)\b", "154", "verb"),
    # 16 reduce relations
    (r"\bsanction(?:s|es|ed|d|ing)?\b", "163", "verb"),
    (r"\bembargo(?:es|ed)?\b", "163", "noun"),
    (r"\bexpel(?:s|led|ling)?\b", "1663", "verb"),
    (r"\bsever(?:s|ed|ing)? (?:diplomatic )?(?:ties|relations)\b|\bbroke off\b|\bbreak off\b", "161", "verb"),
    (r"\bsuspend(?:s|es|ed|d|ing)?\b|\bsuspension\b", "160", "verb"),
    (r"\bhalt(?:s|es|ed|d|ing)?\b", "160", "verb"),
    (r"\bcut(?:s|ting)? off\b", "160", "verb"),
    (r"\bcancel(?:s|led|ed|ling|ing)?\b", "160", "verb"),
    (r"\bwithdr(?:aw|ew|awn|awing|aws) (?:its |the )?(?:ambassador|aid|support)\b", "161", "verb"),
    (r"\brecall(?:s|es|ed|d|ing)? (?:its |the )?ambassador\b", "161", "verb"),
    (r"\bend(?:s|ed)? (?:its )?mediation\b", "1622", "verb"),
    (r"\breduc(?:e|es|ed|ing)\b", "160", "verb"),
    (r"\bprohibit(?:s|es|ed|d|ing)?\b", "163", "verb"),
    (r"\bforc(?:ed|es|e) .{0,30}\bout\b", "1663", "verb"),
    (r"\bshipped out\b", "166", "verb"),
    (r"\bclos(?:e|ed|es|ing) (?:its |the )?(?:southern |northern )?(?:borders?|embassy)\b", "1621", "verb"),
    # 17 coerce
    (r"\barrest(?:s|es|ed|d|ing)?\b", "173", "verb"),
    (r"\bdetain(?:s|es|ed|d|ing)?\b", "173", "verb"),
    (r"\bjail(?:s|es|ed|d|ing)?\b", "173", "verb"),
    (r"\bkidnap(?:s|ped|ping)?\b|\bhostages?\b|\babduct", "181", "verb"),
    (r"\bdeport(?:s|es|ed|d|ing)?\b", "174", "verb"),
    (r"\bconfiscat(?:e|ed|es|ing)\b|\bseiz(?:e|ed|es|ing)\b", "1711", "verb"),
    (r"\bdemolish(?:s|es|ed|d|ing)?\b", "1712", "verb"),
    (r"\bset fire\b|\bblew up\b|\bblow(?:s)? up\b", "1712", "verb"),
    (r"\bban(?:s|ned|ning)?\b|\boutlaw(?:s|es|ed|d|ing)?\b", "1721", "verb"),
    (r"\bcurfew\b", "1723", "noun"),
    (r"\bstate of (?:siege|emergency)\b|\bmartial law\b", "1724", "noun"),
    (r"\bblockad(?:e|es|ed)\b", "191", "verb"),
    (r"\bprevent(?:s|es|ed|d|ing)?\b", "170", "verb"),
    (r"\bcrack(?:s|ed)? down\b|\bcrackdown\b", "175", "verb"),
    (r"\bhack(?:ed|ing)? into\b|\bcyber\b|\bdefac(?:e|ed)\b", "170", "verb"),
    (r"\bexpropriat|\bnationali[sz](?:e|ed|es|ing|ation)\b", "1711", "verb"),
    (r"\bsuspend(?:ed)? publication\b|\bcensor", "1722", "verb"),
    (r"\bhuman shields?\b", "181", "noun"),
    (r"\bblackout\b", "1722", "noun"),
    (r"\bdispers(?:e|ed|ing)\b|\btear gas\b", "175", "verb"),
    # 18 assault
    (r"\bbomb(?:s|ed|ing|ings)?\b|\bsuicide\b|\bexplosi(?:on|ve)\b|\bexploded\b", "183", "verb"),
    (r"\btortur(?:e|ed|es|ing)\b", "1823", "verb"),
    (r"\bassassinat", "186", "verb"),
    (r"\bbeat(?:s|en|ing)? up\b", "182", "verb"),
    (r"\bsexually abused\b|\braped?\b", "1821", "verb"),
    (r"\battack(?:s|ed|ing)?\b", "180", "verb"),
    (r"\bmassacre", "180", "verb"),
    (r"\bkill(?:s|ed|ing)?\b", "180", "verb"),
    (r"\bwound(?:s|ed|ing)?\b", "180", "verb"),
    (r"\bmurder(?:s|es|ed|d|ing)?\b", "180", "verb"),
    (r"\bethnic cleansing\b|\bgenocide\b", "202", "verb"),
    # 19 fight
    (r"\bshell(?:s|ed|ing)?\b|\bartillery\b|\bmortar\b|\brockets?\b", "194", "verb"),
    (r"\bopen(?:s|ed)? fire\b|\bfired\b|\bclashed\b|\bfought\b", "190", "verb"),
    (r"\bgunbattle\b|\bclash(?:es)?\b|\bfighting\b", "190", "noun"),
    (r"\binva(?:de|ded|des|sion)\b", "190", "verb"),
    (r"\bcaptur(?:e|ed|es|ing)\b|\bretak(?:e|en)\b", "190", "verb"),
    (r"(?<!-)\boccup(?:y|ied)\b", "192", "verb"),
    (r"\bair ?(?:raid|strike)s?\b|\bbombard", "195", "noun"),
    (r"\bwar\b(?! games)", "190", "noun"),
    # 06 cooperate, 07 aid, 08 yield
    (r"\bextradit(?:e|ed|es|ing)\b", "063", "verb"),
    (r"\bshar(?:e|ed|es|ing) (?:evidence|intelligence|information|expertise)\b", "064", "verb"),
    (r"\bwar games\b|\bjoint (?:military )?exercises?\b", "062", "noun"),
    (r"\bcooperat(?:e|ed|es|ing|ion)\b", "060", "verb"),
    (r"\btrade\b|\binvest(?:s|es|ed|d|ing)?\b", "061", "noun"),
    (r"\baid\b|\bassistance\b|\bgrants?\b|\bloans?\b", "070", "noun"),
    (r"\bdonat(?:e|ed|es|ing)\b|\bgranted\b", "070", "verb"),
    (r"\bsen(?:d|ds|t|ding) (?:arms|weapons|troops|material|food|medicine)\b|\bhanded over\b", "070", "verb"),
    (r"\bdeliver(?:s|es|ed|d|ing)?\b", "070", "verb"),
    (r"\bgave (?:a )?(?:warm |cordial )?welcome\b", "043", "verb"),
    (r"\bg(?:ive|ives|ave|iven|iving)\b", "070", "verb"),
    (r"\bprovid(?:e|es|ed|ing)\b|\bsupplie[sd]\b|\bsupply\b", "070", "verb"),
    (r"\bevacuat(?:e|ed|es|ing)\b", "073", "verb"),
    (r"\basylum\b|\brefuge\b", "075", "noun"),
    (r"\bpeace-?keep", "074", "noun"),
    (r"\b(?:cancel|lift|eas|remov|relax)\w* (?:the |its |all )?(?:restrictions|ban)\b", "081", "verb"),
    (r"\b(?:cancel|lift|eas|remov|relax)\w* (?:the |its |all )?(?:sanctions|embargo)\b", "085", "verb"),
    (r"\b(?:cancel|lift|eas|remov|relax)\w* (?:the |its |a )?(?:[\w-]+ )?blockade\b", "0872", "verb"),
    (r"\blift(?:s|es|ed|d|ing)?\b|\beas(?:e|ed|es|ing)\b|\bshorten(?:s|es|ed|d|ing)?\b", "081", "verb"),
    (r"\bceasefire\b|\bcease-fire\b|\btruce\b", "0871", "noun"),
    (r"\bwithdr(?:aw|ew|awn|awing|aws|awal)\b|\bpull(?:back|out)\b", "0874", "verb"),
    (r"\breleas(?:e|ed|es|ing)\b|\bfreed\b", "0841", "verb"),
    (r"\bresign(?:s|es|ed|d|ing)?\b|\bstep(?:s|ped)? down\b", "0831", "verb"),
    (r"\bconcede(?:s|es|ed|d|ing)?\b|\bconcession", "080", "verb"),
    (r"\bcalled off\b|\bcall(?:s)? off\b", "082", "verb"),
    (r"\ballow(?:s|es|ed|d|ing)?\b|\bpermit(?:s|ted)?\b", "080", "verb"),
    (r"\breturn(?:s|ed|ing)? (?:weapons|the|property)\b", "084", "verb"),
    (r"\bopen(?:s|ed)? (?:its )?(?:borders?|the bridge)\b|\breceiv(?:e|ed|es)\b", "086", "verb"),
    # 05 diplomatic cooperation, 04 consult, 03 intent
    (r"\bsign(?:s|ed|ing)?\b", "057", "verb"),
    (r"\bpraise(?:s|es|ed|d|ing)?\b|\bhail(?:s|es|ed|d|ing)?\b|\bwelcom(?:e|ed|es|ing)\b", "051", "verb"),
    (r"\bcommend(?:s|es|ed|d|ing)?\b|\bapplaud(?:s|es|ed|d|ing)?\b|\bcongratulat", "051", "verb"),
    (r"\bdefend(?:s|es|ed|d|ing)?\b", "052", "verb"),
    (r"\bapologi[sz](?:s|es|ed|d|ing)?\b", "055", "verb"),
    (r"\bforgiv(?:e|es|en|ing)\b", "056", "verb"),
    (r"\brecogni[sz](?:s|es|ed|d|ing)?\b", "054", "verb"),
    (r"\b(?:upgrad|establish|restor|normali[sz])(?:e|ed|es|ing)? (?:full )?(?:its |their )?diplomatic\b", "050",
     "verb"),
    (r"\bsupport(?:s|es|ed|d|ing)?\b|\bback(?:s|ed|ing)\b|\bendors(?:e|ed|es)\b", "050", "verb"),
    (r"\btreaty\b|\bagreements?\b|\baccords?\b|\bpact\b|\bdeclaration\b", "057", "noun"),
    (r"\btelephon(?:s|es|ed|d|ing)?\b|\bphoned?\b", "041", "verb"),
    (r"\bvisit(?:s|es|ed|d|ing)?\b|\btrip\b|\btour(?:s|es|ed|d|ing)?\b", "042", "verb"),
    (r"\barriv(?:e|ed|es|ing)\b", "042", "verb"),
    (r"\bhost(?:s|ed|ing)?\b|\bwelcome\b", "043", "verb"),
    (r"\bmediat(?:e|ed|es|ing|ion|or)\b", "045", "verb"),
    (r"\bnegotiat(?:e|ed|es|ing|ion|ions)\b", "046", "verb"),
    (r"\btalks?\b|\bmeetings?\b|\bsummit\b", "040", "noun"),
    (r"\bmet\b|\bmeet(?:s)?\b|\bheld talks\b", "040", "verb"),
    (r"\bdiscuss(?:es|ed|ing)?\b|\bconsult(?:s|ed|ing)?\b", "040", "verb"),
    (r"\bagree(?:s|d|ing)?\b|\bconsensus\b|\baccept(?:s|es|ed|d|ing)?\b", "030", "verb"),
    (r"\bpromis(?:e|es|ed|ing)\b|\bpledg(?:e|es|ed|ing)\b|\boffer(?:s|es|ed|d|ing)?\b|\bcommitted to\b", "030", "verb"),
    (r"\bwilling to\b|\bready to\b|\bprepared to\b|\bintend(?:s|es|ed|d|ing)? to\b", "030", "verb"),
    (r"\bjoint (?:economic )?(?:activity|activities|development|venture)\b", "0311", "noun"),
)
"""(pattern, CAMEO code, kind): patterns are searched in the lower-cased sentence; a ``noun`` rule
(``war``, ``treaty``, ``aid``) is the trigger only when no ``verb`` rule matches."""

MODAL = re.compile(r"\b(?:will|would|shall|plans? to|planned to|intends? to|promis\w+ to|pledg\w+ to|vow\w* to|"
                   r"offer\w* to|ready to|willing to|prepared to|agreed to|committed to|expects? to|"
                   r"going to|to be)\s+(?:[\w-]+\s+){0,3}$")
"""A promise or plan right before a trigger."""

NEGATION = re.compile(r"\b(?:not|never|no longer|n't|refus\w* to|declin\w* to|without)\s+(?:\w+\s+){0,2}$")
"""A negation or refusal right before a trigger."""

REPORTING = re.compile(r"\b(?:said|says|say|told|reported|announced|quoted|according to|stated|confirmed|"
                       r"claimed|added|noted|wrote|argued|explained)\b")
"""Words that report speech: neither trigger nor actor boundary."""

_INTENT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
_THREAT = {"14": "131", "16": "1312", "17": "1313", "15": "138", "18": "138", "19": "138", "20": "138"}
_REJECT = {"03": "120", "04": "125", "05": "120", "06": "121", "07": "122", "08": "123"}

def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern (``a|(?:b|c)d`` → ``a``, ``(?:b|c)d``)."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(pattern):
        escaped = i > 0 and pattern[i - 1] == "\\"
        if char in "([" and not escaped:
            depth += 1
        elif char in ")]" and not escaped:
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    return [*parts, pattern[start:]]


def _prefixes(pattern: str) -> tuple[str, ...]:
    """Literal text every match of ``pattern`` contains (one string per alternative), or ``()`` when an
    alternative starts with a group or class: a sentence lacking all of them cannot match."""
    found = []
    for part in _alternatives(pattern):
        body = re.sub(r"^(?:\(\?<!-\))?\\b", "", part)
        literal = re.match(r"[a-z' -]+", body)
        if literal is None:
            return ()
        text = literal.group(0)
        found.append(text[:-1] if body[literal.end():][:1] in ("?", "*") else text)
    return tuple(found) if all(found) else ()


_COMPILED = tuple((re.compile(pattern), code, kind == "noun", _prefixes(pattern)) for pattern, code, kind in RULES)


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
    """The earliest verb-rule match in ``lower`` outside the spans ``skip`` (else the earliest noun-rule
    match), with modality and negation applied."""
    best: tuple[bool, int, int, int, int, str] | None = None
    for number, (pattern, code, noun, prefixes) in enumerate(_COMPILED):
        if prefixes and not any(p in lower for p in prefixes):
            continue
        for match in pattern.finditer(lower):
            if any(a <= match.start() < b for a, b in skip):
                continue
            key = (noun, match.start(), match.start() - match.end(), number, match.end(), code)
            if best is None or key < best:
                best = key
            break
    if best is None:
        return None
    _, start, _, number, end, code = best
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
