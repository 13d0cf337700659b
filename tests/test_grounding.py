"""Saying what the documents do not say, stage by stage, on questions and sentences whose answers a
person can check by hand: word classes, answer types and targets, instances, term and period holding,
the judgement over several sentences, the sentence that says what is missing; then on the bundled
summary's real index."""

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.answer_types import answer_type, heads, target, units
from assistant.embedding import Embedder
from assistant.grounding import Evidence, Grounding, holds_period, holds_term, judge
from assistant.instances import has_date, has_figure, has_organisation, has_person, has_place
from assistant.missing import RELATED, what_is_missing
from assistant.types import ANSWER_TYPE, DATE, NAME, PERIOD, PERSON, PLACE, QUANTITY, TERM, Asks, Missing, Period
from assistant.word_classes import MODIFIER, NOUN, VERB, classes
from assistant.word_classes import NAME as NAME_WORD

from .conftest import ROOT


def test_word_classes_follow_the_lexicon_and_the_place_in_the_question() -> None:
    """ "tanks" can be a verb but stands where a noun does; "have" after "does the … army" is the verb;
    "regard" after "Do Belarusians" is the verb; "go" between "exports" and "to" is the verb;
    "Belarusian" past the first word is a name; "big" is a modifier, "carmaker" unknown: a noun."""
    found = classes("How many tanks does the Belarusian army have?")
    assert [found[w] for w in ("tanks", "Belarusian", "army", "have")] == [NOUN, NAME_WORD, NOUN, VERB]
    assert classes("Do Belarusians regard themselves as distinct?")["regard"] == VERB
    assert classes("What share of Belarus's exports go to Russia?")["go"] == VERB
    found = classes("How big is the carmaker's H100 order?")
    assert (found["big"], found["carmaker"], found["H100"]) == (MODIFIER, NOUN, NAME_WORD)


@pytest.mark.parametrize(
    ("question", "kind", "the_target", "the_units"),
    [
        ("How many tanks does the Belarusian army have?", QUANTITY, ("tanks",), ("count",)),
        ("What share of Belarus's exports go to Russia?", QUANTITY, ("exports",), ("share",)),
        ("When was the Union State treaty between Russia and Belarus signed?", DATE, ("treaty",), ()),
        ("How wide is the Strait of Hormuz at its narrowest point?", QUANTITY, (), ("length",)),
        ("How large was the fine the Italian competition regulator imposed?", QUANTITY, ("fine",), ()),
        ("How long is the full RAND report?", QUANTITY, (), ("length", "time", "pages")),  # "report" asks the documents
        # "When" opening a clause does not ask for a date; the measure a figure is of is its target
        ("When Amazon split its common stock in May 2022, what was the split ratio?", QUANTITY, ("ratio",), ()),
        # a forecast is asked for, and the answer must say it is one
        (
            "What revenue does NVIDIA forecast for the third quarter of fiscal 2024?",
            QUANTITY,
            ("revenue", "forecast"),
            (),
        ),
        # a sum of money is asked for by what is paid, and a price is one, whatever it is of
        ("How much does MARAD pay each ship in the program per year?", QUANTITY, ("ship", "year"), ("money",)),
        ("What price did Amazon agree to pay for iRobot?", QUANTITY, (), ("money",)),
        ("What application fee does NOAA charge?", QUANTITY, ("application",), ("money",)),
        # a figure asked per something is of it too
        (
            "How many employees work in each of EDA's six regional offices?",
            QUANTITY,
            ("employees", "offices"),
            ("count",),
        ),
        ("Which regions won the Tech Hubs awards?", PLACE, (), ()),
        # "holds" after an adverb is the verb, not what the answer is of
        ("Which country currently holds the permanent seat on the ISA Council?", PLACE, (), ()),
        ("Who leads the Belarusian opposition?", PERSON, (), ()),
        ("Who paid for the RAND study?", NAME, (), ()),
        ("What is the name of the data center distributor?", NAME, ("data", "center"), ()),
        ("What is the name of the Russian expert who called Belarus an assembly shop?", PERSON, (), ()),
    ],
)
def test_answer_types_targets_and_units(
    question: str, kind: str, the_target: tuple[str, ...], the_units: tuple[str, ...]
) -> None:
    assert answer_type(question) == kind
    assert target(question, kind) == the_target
    assert units(question) == the_units


def test_heads_name_the_kind_of_answer_and_are_not_asked_for() -> None:
    assert heads("Which military alliance do both Belarus and Russia perceive as a threat?") == {"alliance"}
    assert heads("What kind of political regimes run Belarus and Russia?") >= {"regimes"}
    assert "carmaker" in heads("Which carmaker's vehicles are powered by NVIDIA DRIVE Orin?")
    assert "expert" in heads("What is the name of the Russian expert?")


def test_instances_a_reader_can_see() -> None:
    assert has_figure("The full report runs to 242 pages.")
    assert not has_figure("The watershed year was 2020.")  # a year alone is no quantity
    assert has_figure("about one-third of the world's trade")
    assert has_figure("The Strait is 21 miles wide.", units=("length",))
    assert not has_figure("About 20% of the world's oil passes the Strait.", units=("length",))
    assert not has_figure("Attacks since March 1, 2026, killed several crew members.")  # a day is no figure
    assert has_figure("Research and development $ 2,040 $ 1,824", units=("money",))
    assert has_figure("Net revenue 13,507 (In millions)", units=("money",))  # a financial table's amounts
    assert not has_figure("up to 60 cargo ships are eligible", units=("money",))
    assert not has_figure("Current TVL in defi applications is around $98 billion.", units=("count",))
    assert has_figure("about 3 million users", units=("count",))
    assert has_figure("a third of its trade", units=("share",)) and has_figure("40% of trade", units=("share",))
    assert not has_figure("As one Russian military expert noted", units=("share",))
    assert has_figure("a quarter of its revenue", units=("share",))
    assert not has_figure("in the third quarter and the first half of fiscal 2024", units=("share",))  # periods
    assert has_place("alumina from Guinea, India, and Australia", "From which countries?")
    assert has_place("if the United States ratified it", "Which country?")
    assert not has_place(
        "In FY2023, the CHIPS and Science Act authorized the Regional Technology Hubs", "Which regions?"
    )
    assert not has_place("the largest share went to the EAA program in March", "Which state?")
    assert has_place("a lawsuit filed in the W.D. Wash. in 2023", "Where was it filed?")  # a court's district
    assert not has_place("P.L. 119-74 provided $466 million", "Which state?")  # a law
    assert has_date("in March") and has_date("since 2020") and not has_date("for many years")
    assert has_person("said President Biden.", "Who issued the order?")
    assert has_person("CEO Jensen Huang signed it.", "Who signed it?")
    assert not has_person("the Soviet Union and the Russia Strategic Initiative", "Who are the authors?")
    assert has_organisation("the Islamic Revolutionary Guard Corps is charging tolls", "Which Iranian organisation?")
    assert not has_organisation("it is charging tolls to pass", "Which organisation charges tolls?")


def test_terms_are_held_in_their_other_forms() -> None:
    assert holds_term("tanks", "Three tank battalions")  # the same stem
    assert holds_term("Russian", "dependence on Russia")  # a people for its country
    assert holds_term("relations", "the relationship between them")  # most letters shared
    assert holds_term("EPS", "Net income per share: earnings per share, diluted")  # an acronym spelled out
    assert holds_term("American", "U.S. and Israeli operations")  # an alias
    assert holds_term("Washington", "U.S. efforts to limit them")  # a capital for its government
    assert not holds_term("tanks", "the defense industry depends on Moscow")
    assert not holds_term("employees", "employment fell")  # "employ" is too little of either
    assert holds_term("year", "paid $5 million annually") and holds_term("month", "monthly users")
    assert holds_term("forecast", "Operating income is expected to be between $3.0 billion and $5.5 billion")
    assert not holds_term("forecast", "Gaming revenue for the second quarter was $2.49 billion")


def test_periods_are_held_by_year_and_not_contradicted_by_another_quarter() -> None:
    fiscal_q2 = Period("Q2 fiscal 2024", year=2024, quarter=2, fiscal=True)
    assert holds_period(fiscal_q2, "Three Months Ended July 30, 2023")  # fiscal 2024 began in 2023
    assert holds_period(fiscal_q2, "in the second quarter of fiscal year 2024")
    assert not holds_period(fiscal_q2, "in the third quarter of fiscal year 2024")
    assert not holds_period(Period("2019", year=2019), "in 2020 and 2021")
    assert holds_period(Period("FY2024", year=2024, fiscal=True), "awards made in FY2024")
    assert not holds_period(Period("FY2024", year=2024, fiscal=True), "In FY2023, the Act")  # another fiscal year
    assert not holds_period(Period("FY2011", year=2011, fiscal=True), "Since FY2011, Congress has approved")
    assert holds_period(Period("FY2011", year=2011, fiscal=True), "In FY2011, Congress gave $300 million")
    february_11 = Period("February 11, 2026", year=2026, month=2, day=11)
    assert not holds_period(february_11, "after the treaty's February 5, 2026, expiration date")  # another day
    assert holds_period(february_11, "On February 11, 2026, officials said") and holds_period(february_11, "in 2026")


def _grounding(
    question: str, asks: Asks, held: Sequence[str] = (), close: Callable[[str, str], bool] = lambda w, s: False
) -> Grounding:
    """A pure unit: the library holds exactly the words `held` (lower case)."""
    return Grounding(question, asks, lambda words: [1.0 if w.lower() in held else 0.0 for w in words], close)


def test_judge_finds_the_sentence_that_holds_every_ask() -> None:
    asks = Asks(periods=(Period("2021", year=2021),), answer_type=QUANTITY, target=("migrants",), nouns=("migrants",))
    grounding = _grounding("How many migrants crossed in 2021?", asks, held=("migrants", "2021"))
    sentences = [
        Evidence("A migrant crisis in 2021 alarmed its neighbors."),  # no figure
        Evidence("About 4,000 migrants crossed the border.", headings="2021"),  # the figure, the target, the year
        Evidence("About 4,000 soldiers crossed the border in 2021."),  # a figure of something else
    ]
    assert judge(grounding, sentences) == ([1], [])
    grounded, missing = judge(grounding, [sentences[0], sentences[2]])
    assert grounded == [] and missing == [Missing(ANSWER_TYPE, QUANTITY)]  # the first lacks least: only the figure


def test_a_figure_must_stand_in_the_clause_of_what_it_counts() -> None:
    """ "17 attacks …, with several crew members killed": the 17 counts attacks, and the clause about
    crew members has no figure; a sentence whose figure counts crew members grounds the question."""
    asks = Asks(answer_type=QUANTITY, target=("crew", "members"), units=("count",))
    grounding = _grounding("How many crew members have died in the attacks?", asks, held=("crew", "members"))
    attacks = Evidence("The center has recorded 17 attacks on vessels, with several crew members killed or injured.")
    grounded, missing = judge(grounding, [attacks])
    assert grounded == [] and missing == [Missing(TERM, "crew"), Missing(TERM, "members")]
    assert judge(grounding, [attacks, Evidence("At least 12 crew members were killed in the attacks.")]) == ([1], [])


def test_a_passage_naming_all_but_one_of_three_names_is_about_them() -> None:
    """ "NOAA, BOEM and USGS": a passage naming NOAA and USGS is about the site they study; one naming
    only NOAA is not, and neither is a passage missing the one name a question gives."""
    asks = Asks(answer_type=QUANTITY, names=("NOAA", "BOEM", "USGS"))
    grounding = _grounding("How many sites have NOAA, BOEM and USGS studied?", asks, held=("noaa", "boem", "usgs"))
    assert judge(grounding, [Evidence("NOAA and USGS have studied four sites.")]) == ([0], [])
    assert judge(grounding, [Evidence("NOAA has studied four sites.")])[0] == []
    one = _grounding("How many sites has BOEM studied?", Asks(answer_type=QUANTITY, names=("BOEM",)), held=("boem",))
    assert judge(one, [Evidence("NOAA has studied four sites.")])[0] == []


def test_judge_says_when_the_library_never_holds_a_name_or_a_year() -> None:
    asks = Asks(focus=("Crimea",), periods=(Period("2014", year=2014),), names=("Crimea",))
    grounding = _grounding("Why did Belarus not recognise the annexation of Crimea in 2014?", asks, held=("belarus",))
    assert judge(grounding, [Evidence("Belarus has resisted most of Russia's demands.")]) == (
        [],
        [Missing(TERM, "Crimea", mentioned=False), Missing(PERIOD, "2014", mentioned=False)],
    )


def test_a_noun_said_in_other_words_is_no_gap() -> None:
    """A question with no answer type ("Is … an alliance?") and a noun the library never holds: a gap,
    unless a sentence says it in other words (close)."""
    asks = Asks(focus=("alliance",), nouns=("alliance",))
    question = "Do Minsk and Moscow see the alliance as a threat?"
    evidence = [Evidence("Both perceive NATO as a threat.")]
    assert judge(_grounding(question, asks), evidence)[1] == [Missing(TERM, "alliance", mentioned=False)]
    assert judge(_grounding(question, asks, close=lambda w, s: "NATO" in s), evidence) == ([0], [])


@pytest.mark.parametrize(
    ("missing", "asks", "sentence"),
    [
        (
            [Missing(TERM, "tanks", False)],
            Asks(answer_type=QUANTITY, target=("tanks",)),
            "The documents never mention “tanks”.",
        ),
        ([Missing(PERIOD, "2019", False)], Asks(), "The documents cover 2022 and 2023, not “2019”."),
        (
            [Missing(ANSWER_TYPE, QUANTITY), Missing(TERM, "exports")],
            Asks(answer_type=QUANTITY, target=("exports",)),
            "No passage gives a figure for “exports”.",
        ),
        (
            [Missing(ANSWER_TYPE, QUANTITY)],
            Asks(answer_type=QUANTITY, target=("migrants",), units=("count",)),  # "how many": a count
            "The passages mention “migrants”, but none gives a count.",
        ),
        ([Missing(PERIOD, "Q3 2023")], Asks(answer_type=DATE), "No passage gives a date for “Q3 2023”."),
    ],
)
def test_what_is_missing_in_one_sentence(missing: list[Missing], asks: Asks, sentence: str) -> None:
    assert what_is_missing(missing, asks, years=(2022, 2023)) == sentence


@pytest.fixture(scope="module")
def summary(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Assistant:
    index_dir = tmp_path_factory.mktemp("grounding") / "idx"
    assistant = Assistant(Settings(docs_dir=ROOT / "documents", index_dir=index_dir), embedder=embedder)
    assistant.index()
    return assistant


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("How many tanks does the Belarusian army have?", "The documents never mention “tanks”."),
        ("What happened between Belarus and Russia in 2015?", "The documents cover 2020, 2021 and 2022, not “2015”."),
        (
            "How many migrants crossed from Belarus during the 2021 crisis?",
            "The passages mention “migrants”, but none gives a count.",
        ),
        ("Has Russia moved nuclear weapons into Belarus?", "The documents never mention “weapons”."),
    ],
)
def test_the_summary_says_what_it_does_not_say(summary: Assistant, question: str, said: str) -> None:
    """The bundled summary never says tanks, weapons or 2015; it names the 2021 migrant crisis with no
    figure. Each answer says so, and still shows the closest passages, as related."""
    answer = summary.ask(question)
    assert not answer.covered
    assert answer.text == f"{said} {RELATED}"
    assert answer.citations and answer.missing


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How long is the full RAND report?", "242 pages"),
        ("Who paid for the RAND study of Belarus-Russia relations?", "Russia Strategic Initiative"),
        ("What was the watershed year in the relationship?", "2020"),
    ],
)
def test_answers_the_summary_gives_open_with_the_sentence_that_grounds_them(
    summary: Assistant, question: str, fact: str
) -> None:
    answer = summary.ask(question)
    assert answer.covered and answer.missing == ()
    assert fact in answer.citations[0].excerpt


def test_a_fresh_summary_file(tmp_path: Path, make_assistant: Callable[..., Assistant]) -> None:
    """A library of one sentence about tank production: the same question is now answered."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "army.md").write_text(
        "# Army\n\nThe Belarusian army has about 500 tanks in service today.\n", encoding="utf-8"
    )
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    answer = assistant.ask("How many tanks does the Belarusian army have?")
    assert answer.covered and "500 tanks" in answer.citations[0].excerpt


def test_a_sentence_speaks_of_the_period_the_one_before_it_names(
    tmp_path: Path, make_assistant: Callable[..., Assistant]
) -> None:
    """ "The act provided $52 million" names no year; the sentence before it names 2024: the figure is
    2024's, and the excerpt quoted opens with that sentence, verbatim, so the reader sees the year.
    Asked for 2023, the same figure grounds nothing. Asked what the agency pays per ship, "60 ships"
    is no sum of money, and a footnote's marker is no count of staff: neither question is covered."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbor.md").write_text(
        "# Funding\n\nThe 2024 budget act set aside funds for the Harbor Agency. The act provided $52 million "
        "to the agency for dredging and repairs.\n\nUp to 60 ships a year may join the Harbor Agency's "
        "charter program, which pays shipowners to keep their vessels under the national flag.\n\n"
        "## Staff\n\nThe Harbor Agency has staff working in each of its regional offices, which serve the ports "
        "along the coast.[^12]\n\n"
        "[^12]: Harbor Agency, staffing plan.\n",
        encoding="utf-8",
    )
    assistant = make_assistant(docs, tmp_path / "idx")
    assistant.index()
    answer = assistant.ask("How much did the 2024 budget act give the Harbor Agency?")
    assert answer.covered
    first = answer.citations[0]
    assert first.excerpt.startswith("The 2024 budget act") and "$52 million" in first.excerpt
    page = assistant.stored_index().pages["harbor.md"][first.page_start - 1]
    assert page.text[first.char_start : first.char_end] == first.excerpt
    assert not assistant.ask("How much did the 2023 budget act give the Harbor Agency?").covered
    paid = assistant.ask("How much does the Harbor Agency pay each ship in the charter program?")
    assert not paid.covered and "none gives a sum of money" in paid.text
    # a footnote marker is no figure: "12" is the note the sentence points to, not a count of staff
    staff = assistant.ask("How many staff work in each of the Harbor Agency's regional offices?")
    assert not staff.covered and "none gives a count" in staff.text


def test_the_summary_abstention_set_answers_and_abstains(summary: Assistant) -> None:
    """The 48 questions of tests/data/abstention_summary.csv, both halves, quoted: a floor under what
    bench/abstention.py measured (0.92 answered, 0.75 "not covered"), so that a change that loses
    either shows here, not only in the benchmark."""
    from assistant.evaluation import abstention

    questions = abstention.read(ROOT / "tests" / "data" / "abstention_summary.csv")
    rates = abstention.rates(abstention.ask_all(summary, questions, mode="extractive"))
    assert rates.answered >= 0.85
    assert rates.abstained >= 0.7
