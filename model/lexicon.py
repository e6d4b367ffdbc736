"""The team's abuse lexicon (French and English) and the counts the model reads from it.

Written by the team as plain facts about the language moderators meet: insults aimed at a
person, slurs aimed at a group, dehumanising words, threat phrases, profanity that is often
not aimed at anyone, second-person words, group nouns, and stance cues (praise and negative
verdicts, negation, counter-speech). Entries are in normalised form
(lower case, accents folded; see :mod:`model.normalize`); multi-word entries are matched on
token sequences. Spelling variants the normaliser cannot undo (phonetic spellings,
abbreviations, verlan) are listed as entries of their own.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["CATEGORIES", "LEXICON", "LexiconMatch", "find", "unmask"]

_W = str.split

INSULTS = _W("""
connard connards connasse connasses conasse con cons conne connes abruti abrutie abrutis
debile debiles cretin cretine cretins imbecile imbeciles idiot idiote idiots encule encules
enculee enculer enculard enculards enkule anculer enfoire enfoiree enfoires salaud salauds
salope salopes saloperie pute putes pouffiasse pouf grognasse batard batards batarde
tocard tocarde tocards bouffon bouffons minable minables raclure ordure ordures pourriture
dechet dechets cassos boloss bolos bollos teube tebe neuneu demeure demeuree couillon
couillonne trouduc pauvre_type sous_merde fdp ntm tg ftg vtff nique niquer niker nik
baltringue mongolito branleur branleuse branquignol guignol guignols clown clowns
moron morons idiotic stupid dumb dumbass dumbasses asshole assholes arsehole jerk loser
losers bitch bitches bastard bastards cunt cunts dickhead dickheads prick pricks twat twats
wanker wankers scumbag scumbags imbecile cretin halfwit numpty pillock douche douchebag
douchebags motherfucker motherfuckers stfu gtfo kys fuckface shithead shitheads jackass
dipshit dumbfuck fucktard idiots tosser tossers knobhead bellend slut sluts whore whores
skank skanks hoe hoes thot sucker
""")
INSULT_PHRASES = [
    "fils de pute", "fils de put", "fils de pu", "nique ta mere", "nique ta race", "nique ta mer",
    "ta gueule", "ta geule", "ferme ta gueule", "ferme la", "va te faire foutre",
    "va te faire enculer", "trou du cul", "sous merde", "pauvre type", "pauvre con",
    "pauvre conne", "espece de", "gros porc", "grosse vache", "tete de con", "petite merde",
    "t es une merde", "t es un", "t es une", "vous etes des", "tu es un", "tu es une",
    "fuck you", "fuck u", "fuck off", "fuk u", "fck u", "fuck yourself", "shut up",
    "shut the fuck up", "piece of shit", "piece of crap", "go to hell", "son of a bitch",
    "you idiot", "you moron", "you are an idiot", "you re an idiot", "ur an idiot",
    "kill yourself", "go die", "waste of oxygen", "waste of space",
]
SLURS = _W("""
bougnoule bougnoules negro negros negre negres negresse youpin youpins youtre youtres bicot
bicots raton ratons chinetoque chinetoques niakoue bamboula bamboulas tapette tapettes
pede pedes pd tarlouze tarlouzes fiotte fiottes gouine gouines mongol mongols mongole
gogol gogols triso trisos attarde attardes attardee gitan gitans romano romanos feuj feujs
rebeu rebeus beurette beurettes crouille crouilles sarrasin islamo islamistes
nigger niggers nigga niggas negroes coon coons faggot faggots fag fags dyke dykes tranny
trannies retard retards retarded spic spics kike kikes chink chinks wetback wetbacks
raghead ragheads towelhead towelheads paki pakis gook gooks cripple cripples spaz
spastic mong mongs shemale
""")
DEHUMANISING = _W("""
vermine vermines cafard cafards rat rats parasite parasites sous_hommes soushommes
betes bete animaux animal singe singes singesse microbe microbes cancer virus
infestation invasion envahisseurs racaille racailles nuisibles sauvages
vermin cockroach cockroaches parasite subhuman subhumans animals savages plague
infestation invaders apes monkeys filth scum leeches
""")
DEHUMANISING_PHRASES = ["sous hommes", "sous race", "sous races", "a exterminer", "a eradiquer",
                        "faut les eradiquer", "a la niche", "retournez dans", "rentrez chez vous",
                        "go back to", "not human", "less than human", "should be exterminated",
                        "should be wiped out", "need to be wiped out"]
THREATS = _W("""
tuer tue tuerai tuerais crever creve buter bute egorger egorge egorgerai pendre pendu
flinguer flingue bruler brulerai defoncer defonce tabasser tabasse cramer saigner saigne
planter plante lyncher lynche fusiller fusille abattre decapiter decapite
kill killed killing murder murdered shoot shot stab stabbed hang hanged lynch lynched
behead beheaded burn slaughter strangle choke rape raped
""")
THREAT_PHRASES = [
    "je vais te", "je vais vous", "on va te", "on va vous", "je sais ou tu habites",
    "on sait ou tu habites", "je sais ou vous habitez", "on sait qui tu es", "fais gaffe",
    "faites gaffe", "fais attention a toi", "gare a toi", "tu vas le regretter",
    "vous allez le regretter", "tu vas payer", "vous allez payer", "une balle", "casser la gueule",
    "peter la gueule", "mettre une balle", "on va venir", "rendre visite", "tes jours sont comptes",
    "i will find you", "ill find you", "i know where you live", "we know where you live",
    "watch your back", "you will regret", "youll regret", "you will pay", "youll pay",
    "should be shot", "should be hanged", "deserve to die", "deserves to die", "i will kill",
    "im going to kill", "gonna kill", "beat the shit out", "put a bullet", "see you outside",
    "your days are numbered", "meurent tous", "doivent mourir", "must die", "should die",
]
PROFANITY = _W("""
putain ptn ptain merde merdique bordel chier chiant chiante foutre foutu foutue fichu
zut puree mince crotte couilles couille bite bites cul nichons enfer
fuck fucking fucked fuckin shit shitty crap crappy damn dammit bloody hell wtf omfg
bullshit arse ass piss pissed bugger sod
""")
SECOND_PERSON = set(_W("tu t es toi te ton ta tes vous votre vos "
                       "you u your ur youre yourself ya ye"))
GROUPS = _W("""
femmes femme meufs gonzesses arabes arabe noirs noir noires blacks juifs juif juives
musulmans musulman musulmanes chretiens cathos homos homo gays gay lesbiennes trans
handicapes handicape autistes migrants migrant immigres immigre etrangers etranger roms
gitans asiatiques chinois africains maghrebins
women woman girls females muslims muslim jews jew blacks black christians gays gay
lesbians trans transgender disabled autistic immigrants immigrant migrants refugees
foreigners asians chinese mexicans africans arabs
""")

# Stance cues: they let the model read *how* a comment speaks of a group or of an insult
# (praise, negation, counter-speech), not only *that* it does.
POSITIVE = _W("""
aime aimer adore adorer admire admirer respecte respecter merci bravo super genial geniale
formidable formidables magnifique magnifiques excellent excellente excellents merveilleux
merveilleuse merveilleuses incroyable incroyables courageux courageuse courageuses genereux
genereuse accueillant accueillante accueillants adorable adorables gentil gentille gentils
brillant brillante brillants talentueux talentueuse fier fiere fiers fieres chaleureux
bienvenue bienvenus beau belle beaux belles utile utiles
love loves loved lovely admire admires respect respects thanks thank great amazing wonderful
awesome brilliant excellent fantastic beautiful kind kindest welcoming welcome generous
brave courageous talented proud inspiring incredible helpful lovely caring smart
remercie remercier felicitations chapeau top nickel parfait parfaite impeccable superbe delicieux
delicieuse delicieuses savoureux reussi reussie reussis claire claires limpide pratique pratiques
efficace efficaces rapide rapides sympa sympathique agreable agreables passionnant passionnante
interessant interessante interessants instructif instructive pertinent pertinente pertinents
enrichissant enrichissante ravi ravie ravis satisfait satisfaite recommande recommander precieux
precieuse soigne soignee fiable fiables bienveillant bienveillante continuez encouragements
thx ty cheers grateful appreciate appreciated kudos congrats congratulations fantastic superb
perfect perfectly delicious tasty useful informative insightful interesting fascinating enjoyable
enjoyed loving nice neat smooth reliable recommend recommended pleased glad satisfied impressed
impressive wonderful gorgeous handy thoughtful
""")
NEGATION = _W("""
ne n pas jamais aucun aucune personne rien ni sans non
no not never nobody none nothing neither nor without isnt arent wasnt dont doesnt didnt
cant cannot shouldnt wont
""")
COUNTER = _W("""
raciste racistes racisme sexiste sexistes sexisme homophobe homophobes homophobie transphobe
transphobie antisemite antisemites antisemitisme islamophobe islamophobie xenophobe
xenophobie haine haineux haineuse discrimination discriminations prejuge prejuges
inacceptable inadmissible honteux honteuse intolerable insulte insultes signale signaler
moderation moderateur moderateurs bigot bigots bigotry racist racists racism sexist sexism
homophobic homophobia transphobic transphobia antisemitic antisemitism islamophobic
islamophobia xenophobic xenophobia hate hateful prejudice discrimination unacceptable
disgraceful shameful reported report reporting slur slurs dehumanising dehumanizing
""")
# Evaluative words: how a comment judges what it talks about. Short comments carry little
# else, and "group word near a negative verdict" is how hate without insults often reads.
NEGATIVE = _W("""
nul nulle nuls nulles lamentable lamentables pitoyable pitoyables ridicule ridicules honte
scandale scandaleux scandaleuse arnaque arnaques arnaqueur escroquerie catastrophe catastrophique
desastre desastreux decevant decevante decu decue decus decues deception pire pires horrible
horribles affligeant affligeante mediocre mediocres inutile inutiles insupportable pathetique
navrant navrante consternant consternante grotesque absurde bidon pourri pourrie pourris
bof ennuyeux ennuyeuse convenu orientee oriente biaise biaisee propagande
torchon mensonge mensonges mensonger foutage marre foutaise foutaises blabla nullite incompetent
incompetents incompetence amateurisme bacle baclee degueulasse degoutant moche fuyez aberrant
aberrante indigne indecent
terrible terribly awful worst worse garbage trash rubbish joke pathetic ridiculous useless
disappointing disappointed disappointment disgrace shame scam scammers ripoff nonsense absurd
laughable lazy biased clickbait propaganda boring bland mediocre overrated overpriced broken sucks
suck sucked lame meh appalling atrocious dreadful abysmal shoddy sloppy
pointless worthless waste embarrassing cringe fail failed failure misleading lies lying fake bogus
unreadable unwatchable
""")
POSITIVE_PHRASES = ["rien a redire", "bien joue", "bon travail", "quel plaisir", "trop bien",
                    "au top", "well done", "good job", "spot on", "keep up", "keep it up"]
NEGATIVE_PHRASES = ["n importe quoi", "plus jamais", "ras le bol", "hors de prix", "never again",
                    "rip off", "tone deaf", "waste of money", "waste of time", "what a joke",
                    "quelle blague", "c est nul"]
REPORTING = [("en", "disant"), ("dire", "que"), ("traiter", "de"), ("traiter", "les"),
             ("ecrire", "que"), ("saying", "that"), ("calling",), ("said", "that"),
             ("claiming",), ("claim", "that")]

LEXICON: dict[str, frozenset[str]] = {
    "insult": frozenset(INSULTS),
    "slur": frozenset(SLURS),
    "dehumanising": frozenset(DEHUMANISING),
    "threat": frozenset(THREATS),
    "profanity": frozenset(PROFANITY),
    "positive": frozenset(POSITIVE),
    "negation": frozenset(NEGATION),
    "counter": frozenset(COUNTER),
    "negative": frozenset(NEGATIVE),
}
PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "insult": tuple(tuple(p.split()) for p in INSULT_PHRASES),
    "dehumanising": tuple(tuple(p.split()) for p in DEHUMANISING_PHRASES),
    "threat": tuple(tuple(p.split()) for p in THREAT_PHRASES),
    "counter": tuple(REPORTING),
    "positive": tuple(tuple(p.split()) for p in POSITIVE_PHRASES),
    "negative": tuple(tuple(p.split()) for p in NEGATIVE_PHRASES),
}
CATEGORIES = tuple(LEXICON)
#: Categories that make a comment abusive when aimed at someone.
TARGETED = ("insult", "slur", "dehumanising", "threat")


class LexiconMatch(tuple):
    """``(category, start_token, end_token)`` of one lexicon hit (end exclusive)."""

    __slots__ = ()

    @property
    def category(self) -> str:
        return self[0]


#: Phrases indexed by their first token, in (category, phrase) order; words to category
#: (the first category listing a word wins, as in ``LEXICON``'s order).
_BY_FIRST: dict[str, list] = {}
for _c, _phrases in enumerate(PHRASES.values()):
    for _p, _phrase in enumerate(_phrases):
        _BY_FIRST.setdefault(_phrase[0], []).append((_c, _p, _phrase, list(PHRASES)[_c]))
_WORD_CATEGORY = {w: c for c, words in reversed(LEXICON.items()) for w in words}


def find(tokens: list[str]) -> list[LexiconMatch]:
    """Every lexicon hit in a list of normalised tokens (phrases first, then words).

    Phrases come in (category, phrase, position) order; words left uncovered by a phrase
    follow in text order, each with the first category that lists it.
    """
    found = sorted((c, p, i, len(phrase), category)
                   for i, tok in enumerate(tokens)
                   for c, p, phrase, category in _BY_FIRST.get(tok, ())
                   if tuple(tokens[i:i + len(phrase)]) == phrase)
    hits = [LexiconMatch((category, i, i + n)) for _, _, i, n, category in found]
    covered = {j for _, _, i, n, _ in found for j in range(i, i + n)}
    hits.extend(LexiconMatch((_WORD_CATEGORY[tok], i, i + 1)) for i, tok in enumerate(tokens)
                if i not in covered and tok in _WORD_CATEGORY)
    return hits


@lru_cache(maxsize=1)
def _single_words() -> tuple[str, ...]:
    words = set().union(*LEXICON.values())
    return tuple(sorted(w for w in words if "_" not in w))


def unmask(word: str) -> str:
    """Resolve a word with masked letters (``c*nnard``, ``f**k``) to the one lexicon word
    it can stand for; return it unchanged when none or several fit."""
    core = word.strip("*")
    lead, trail = word[: len(word) - len(word.lstrip("*"))], word[len(word.rstrip("*")):]
    pattern = re.compile("".join("." if c == "*" else re.escape(c) for c in core.lower()))
    fits = {w for w in _single_words() if len(w) == len(core) and pattern.fullmatch(w)}
    return lead + fits.pop() + trail if len(fits) == 1 else word
