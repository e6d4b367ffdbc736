"""The abuse lexicon and the features read from it."""

from model.features import LEXICON_FEATURES, LexiconFeatures, Prepared, SignalFeatures
from model.lexicon import LEXICON, find, unmask
from model.normalize import normalise, tokens


def hits(text):
    return [h.category for h in find(tokens(normalise(text)))]


def test_insults_slurs_threats_and_profanity_are_found():
    assert hits("espèce de connard") == ["insult", "insult"]
    assert "threat" in hits("je sais où tu habites")
    assert "threat" in hits("I know where you live")
    assert hits("putain enfin un article clair") == ["profanity"]
    assert "dehumanising" in hits("ces gens sont de la vermine")


def test_phonetic_and_abbreviated_forms():
    assert "insult" in hits("vous ete des gros enculard")
    assert "insult" in hits("fdp")
    assert "insult" in hits("stfu")


def test_unmask_resolves_only_unambiguous_masks():
    assert unmask("c*nnard") == "connard"
    assert unmask("*") == "*"
    assert unmask("x*y") == "x*y"


def lexicon_row(text):
    doc = Prepared.from_text(text)
    return dict(zip(LEXICON_FEATURES,
                    LexiconFeatures().fit([doc]).transform([doc]).toarray()[0]))


def test_second_person_near_an_insult():
    aimed = lexicon_row("T'es vraiment un connard")
    quoted = lexicon_row("Le mot connard n'a rien à faire dans un débat sur les retraites")
    assert aimed["lex_you_near_abuse"] > 0
    assert quoted["lex_you_near_abuse"] == 0
    assert aimed["lex_insult"] > 0 and quoted["lex_insult"] > 0


def test_group_near_abuse():
    assert lexicon_row("les migrants sont de la vermine")["lex_group_near_abuse"] > 0
    assert lexicon_row("les migrants arrivent demain à la gare")["lex_group_near_abuse"] == 0


def test_signal_features_follow_the_text():
    docs = [Prepared.from_text(t) for t in (
        "Je pense que c'est faux, parce que les chiffres de 2023 montrent l'inverse. Pourquoi ?",
        "NUL NUL NUL!!!")]
    x = SignalFeatures().fit(docs).transform(docs).toarray()
    argued, shouted = x
    names = SignalFeatures().get_feature_names_out()
    col = {n: i for i, n in enumerate(names)}
    assert argued[col["sig_connectives"]] > 0 and shouted[col["sig_connectives"]] == 0
    assert argued[col["sig_questions"]] > 0
    assert shouted[col["sig_upper_ratio"]] == 1.0 and shouted[col["sig_exclaim_runs"]] > 0
    assert argued[col["sig_first_person"]] > 0


def test_lexicon_entries_are_normalised_forms():
    # Entries must survive normalisation unchanged, or they could never match.
    for words in LEXICON.values():
        for word in words:
            assert normalise(word.replace("_", " ")).replace(" ", "_") == word, word


def test_verdicts_count_more_in_short_comments():
    thanks = lexicon_row("Excellente série, merci du conseil.")
    verdict = lexicon_row("Du grand n'importe quoi, plus jamais.")
    long_thanks = lexicon_row("Merci pour ce dossier : j'ai enfin compris pourquoi ma facture de "
                              "chauffage double en hiver alors que ma consommation ne bouge pas.")
    assert thanks["lex_short_positive"] > 0 and thanks["lex_short_negative"] == 0
    assert thanks["lex_polarity"] > 0 > verdict["lex_polarity"]
    assert verdict["lex_short_negative"] > 0 and verdict["lex_short_positive"] == 0
    assert long_thanks["lex_positive"] > 0 and long_thanks["lex_short_positive"] == 0


def test_group_near_a_negative_verdict():
    assert lexicon_row("les migrants sont une catastrophe pour ce pays")[
        "lex_group_near_negative"] > 0
    assert lexicon_row("les migrants arrivent demain à la gare")["lex_group_near_negative"] == 0
    assert lexicon_row("ce film est une catastrophe")["lex_group_near_negative"] == 0


def test_length_bands_mark_exactly_one_band():
    names = list(SignalFeatures().get_feature_names_out())
    bands = [i for i, n in enumerate(names) if n.startswith("sig_len_")]
    docs = [Prepared.from_text(t) for t in ("Nul.", "Trois mots ici", " ".join(["mot"] * 200))]
    x = SignalFeatures().fit(docs).transform(docs).toarray()
    assert [x[r, bands].sum() for r in range(3)] == [1.0, 1.0, 1.0]
    assert x[0, names.index("sig_len_le2")] == 1.0
    assert x[1, names.index("sig_len_le4")] == 1.0
    assert x[2, names.index("sig_len_gt80")] == 1.0
