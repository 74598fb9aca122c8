"""Direct quotes and their speakers, through the real spaCy pipeline, on sentences written for the test."""
from __future__ import annotations

import pytest

from aidtrace.facts.quotes import attributed_quotes, extract_quotes
from aidtrace.speech import quoted_spans
from aidtrace.pipeline import load_pipeline


@pytest.fixture(scope="session")
def nlp():
    return load_pipeline()


def quotes(nlp, text):
    doc = nlp(text)
    found = extract_quotes(doc)
    for quote in found:
        evidence = quote.evidence[0]
        assert doc.text[evidence.start:evidence.end] == evidence.text == quote.text
        assert 0.0 <= quote.confidence <= 1.0
    return [(q.speaker, q.text) for q in found]


def test_straight_marks_with_cue_after_and_trailing_comma_kept(nlp):
    text = ('Estonian Prime Minister Kaja Kallas visited Zhytomyr on Monday. '
            '"Every generator we send keeps a school warm, without question," Kallas told reporters.')
    assert quotes(nlp, text) == [
        ("Kaja Kallas", "Every generator we send keeps a school warm, without question,")]


def test_curly_marks_and_possessive_apostrophes(nlp):
    text = ("Kaja Kallas' visit to Ukraine's north lasted two days. "
            "“Ukraine's farmers deserve Europe's full support,” Kallas’ host Volodymyr Zelenskyy said.")
    assert quotes(nlp, text) == [("Volodymyr Zelenskyy", "Ukraine's farmers deserve Europe's full support,")]


def test_cue_before_the_quote_with_colon_and_that(nlp):
    text = ('Prime Minister Denys Shmyhal spoke after the session. Shmyhal said: "We will rebuild the bridges '
            'before winter." The talks also covered energy, with Shmyhal saying that "every substation '
            'matters this year."')
    assert quotes(nlp, text) == [
        ("Denys Shmyhal", "We will rebuild the bridges before winter."),
        ("Denys Shmyhal", "every substation matters this year."),
    ]


def test_speaker_in_the_sentence_before_ending_with_a_colon(nlp):
    text = ("Volodymyr Zelenskyy addressed the parliament in Vilnius. He said:\n\n"
            "\"Our soldiers hold the line because you stand behind them.\"")
    assert quotes(nlp, text) == [
        ("Volodymyr Zelenskyy", "Our soldiers hold the line because you stand behind them.")]


def test_split_quote_gives_two_quotes_to_one_speaker(nlp):
    text = ('Foreign Minister Dmytro Kuleba met the press. "The first convoy arrived today," he said, '
            '"and the second one leaves on Friday."')
    assert quotes(nlp, text) == [
        ("Dmytro Kuleba", "The first convoy arrived today,"),
        ("Dmytro Kuleba", "and the second one leaves on Friday."),
    ]


def test_following_quote_after_attribution_keeps_the_speaker(nlp):
    text = ('"The water plant works again in the town," said Mayor Ihor Terekhov. '
            '"Next week we start on the heating network."')
    found = quotes(nlp, text)
    assert [s for s, _ in found] == ["Ihor Terekhov", "Ihor Terekhov"]


def test_according_to_with_single_marks(nlp):
    text = ("Chancellor Olaf Scholz toured the site. According to Scholz, 'the new air defence "
            "systems will arrive before the end of the year'.")
    assert quotes(nlp, text) == [
        ("Olaf Scholz", "the new air defence systems will arrive before the end of the year")]


def test_the_president_and_pronoun_resolve_to_the_named_person(nlp):
    text = ("President Volodymyr Zelenskyy opened a rehabilitation centre in Lviv. "
            '"Each of these doctors is a hero to our defenders," the President said. '
            "He later visited a school. "
            '"Children must study in safe classrooms again," he added.')
    assert quotes(nlp, text) == [
        ("Volodymyr Zelenskyy", "Each of these doctors is a hero to our defenders,"),
        ("Volodymyr Zelenskyy", "Children must study in safe classrooms again,"),
    ]


def test_multi_paragraph_quote_is_one_quote_per_paragraph_with_one_speaker(nlp):
    text = ("Ursula von der Leyen spoke at length. She said:\n\n"
            "\"The first payment goes out in March and covers pensions and salaries.\n\n"
            "\"The second payment follows once the reforms are adopted by the parliament.\"\n\n"
            "The event ended at noon.")
    assert quotes(nlp, text) == [
        ("Ursula von der Leyen", "The first payment goes out in March and covers pensions and salaries."),
        ("Ursula von der Leyen", "The second payment follows once the reforms are adopted by the parliament."),
    ]


def test_nested_inner_quotes_stay_inside_the_outer_quote(nlp):
    text = ('Andriy Yermak was asked about the talks. "Some capitals still "wait and see" while our '
            'cities burn," Yermak said.')
    assert quotes(nlp, text) == [
        ("Andriy Yermak", 'Some capitals still "wait and see" while our cities burn,')]


def test_scare_quotes_titles_and_short_quotes_are_not_taken(nlp):
    text = ('Kaja Kallas called the deal a "grain corridor" in her speech. '
            'She signed the "Declaration on Safe Harbours for Ukrainian Grain" in Odesa. '
            'Kallas said it was "very good news" for farmers.')
    assert quotes(nlp, text) == []


UNNAMED = ('The report was released on Friday. "Energy exports must be cut off before winter begins," '
           'the statement reads. "Further delays will help the aggressor every single week," the experts noted. '
           'The Kyiv Independent reported that "three new transformers reached Kharkiv overnight." '
           '"We will send two more field kitchens to Odesa," Olena Petrenko said.')


def test_quotes_of_unnamed_speakers_and_of_organisations_are_not_facts(nlp):
    # FACTS.md: the speaker of a quote is a named person; a newspaper or "the experts" is not one.
    assert quotes(nlp, UNNAMED) == [("Olena Petrenko", "We will send two more field kitchens to Odesa,")]


def test_attributed_quotes_keep_every_attribution_with_its_subject_as_written(nlp):
    found = [(f.quote.speaker, f.person) for f in attributed_quotes(nlp(UNNAMED))]
    assert found == [("the statement", False), ("the experts", False), ("The Kyiv Independent", False),
                     ("Olena Petrenko", True)]
    # The names only, as the registry reads them.
    assert [f.quote.speaker for f in attributed_quotes(nlp(UNNAMED), named_only=True)] == [
        "The Kyiv Independent", "Olena Petrenko"]


def test_byline_after_a_dash(nlp):
    text = "Voters shared their views.\n“I want my village rebuilt before my grandson grows up.” ― Olena Petrenko\n"
    assert quotes(nlp, text) == [("Olena Petrenko", "I want my village rebuilt before my grandson grows up.")]


def test_quoted_spans_tell_apostrophes_from_marks():
    text = "Kallas' staff and Ukraine's envoys met. 'We are ready,' she said. “Fine ‘inner’ words,” he said."
    spans = [text[s.start:s.end] for s in quoted_spans(text)]
    assert spans == ["We are ready,", "Fine ‘inner’ words,"]


def test_quoted_spans_unclosed_paragraph_start_runs_to_paragraph_end():
    text = '"First part of it.\n\n"Second part," he said.'
    spans = quoted_spans(text)
    assert [(text[s.start:s.end], s.close_pos < 0) for s in spans] == [
        ("First part of it.", True), ("Second part,", False)]


def test_consecutive_quote_paragraphs_keep_the_speaker(nlp):
    text = ('"We will open three more schools in the region this autumn," said Mayor Ihor Terekhov.\n\n'
            '"The roofs are already repaired and the windows are on their way."\n\n'
            "The council meets again next week.")
    assert [s for s, _ in quotes(nlp, text)] == ["Ihor Terekhov", "Ihor Terekhov"]


def test_colon_introduction_without_a_verb(nlp):
    text = ("Kaja Kallas at the donor conference: \"Every euro pledged today must reach Ukraine by spring.\"")
    assert quotes(nlp, text) == [("Kaja Kallas", "Every euro pledged today must reach Ukraine by spring.")]


def test_coordinated_verb_after_a_quote_keeps_the_subject_before_it(nlp):
    text = ('Prime Minister Denys Shmyhal opened the plant, calling it "the biggest step for our energy '
            'independence" and said more would follow.')
    assert quotes(nlp, text) == [("Denys Shmyhal", "the biggest step for our energy independence")]


def test_quote_ending_its_sentence_is_not_given_to_the_next_sentence_subject(nlp):
    text = ('Mayor Olena Hrytsenko said on Monday that the shelters were ready but said "the heating is '
            'still the main problem." Governor Vitalii Kim said the regional budget would cover it.')
    assert quotes(nlp, text) == [("Olena Hrytsenko", "the heating is still the main problem.")]


def test_name_with_a_long_apposition_before_the_verb(nlp):
    text = ('"Every village we reconnect to the grid brings a family back home," Olena Marchuk, head of the '
            "regional agency for energy recovery in Chernihiv told reporters.")
    assert quotes(nlp, text) == [
        ("Olena Marchuk", "Every village we reconnect to the grid brings a family back home,")]


def test_a_later_clause_with_another_name_is_not_the_attribution(nlp):
    text = ('Mayor Ihor Terekhov says the city is "almost ready for the coming winter" together with Governor '
            "Oleh Syniehubov, in a statement that he said was drafted jointly.")
    assert quotes(nlp, text) == [("Ihor Terekhov", "almost ready for the coming winter")]


def test_sentence_ending_with_said_announces_the_next_quote(nlp):
    text = ('The repairs will take months, Minister of Energy Herman Halushchenko said. "We will bring the '
            'power back to every district before the frost."')
    assert quotes(nlp, text) == [
        ("Herman Halushchenko", "We will bring the power back to every district before the frost.")]


def test_two_fragments_joined_by_and_then_share_the_speaker(nlp):
    text = ('Mayor Vitali Klitschko told residents to "keep water and warm clothes at home" and then '
            '"check on elderly neighbours every evening."')
    assert [s for s, _ in quotes(nlp, text)] == ["Vitali Klitschko", "Vitali Klitschko"]


def test_clause_after_a_quote_with_another_name_is_not_its_attribution(nlp):
    text = ('Deputy Olha Stefanishyna said "the accession talks must open this year," when Maros Sefcovic '
            "asked about the timetable.")
    assert quotes(nlp, text) == [("Olha Stefanishyna", "the accession talks must open this year,")]


def test_attribution_after_a_quote_wins_over_an_earlier_said(nlp):
    text = ('The visit lasted two days, Prime Minister Kaja Kallas said. "Estonia is a true friend and we thank '
            'you for every shell!" President Volodymyr Zelenskyy replied.')
    assert quotes(nlp, text) == [
        ("Volodymyr Zelenskyy", "Estonia is a true friend and we thank you for every shell!")]


def test_short_scare_quote_before_does_not_hide_the_verb(nlp):
    text = ('Minister Dmytro Kuleba said the plan was "fair" and that partners should "open the accession '
            'talks without any delay."')
    assert quotes(nlp, text) == [("Dmytro Kuleba", "open the accession talks without any delay.")]


def speaker_actors(nlp, text):
    return [(q.speaker, q.speaker_actor) for q in extract_quotes(nlp(text))]


def test_speaker_actor_comes_from_the_apposition_in_the_document(nlp):
    # The leaders list names Kaja Kallas for both Estonia and the EU: the document's own title decides.
    estonian = ('Estonian Prime Minister Kaja Kallas visited Kyiv on Monday. "Estonia will keep sending shells '
                'to Ukraine every month," Kallas said.')
    assert speaker_actors(nlp, estonian) == [("Kaja Kallas", "EST")]
    european = ('EU High Representative Kaja Kallas arrived in Kyiv on Monday. "Europe will keep sending shells '
                'to Ukraine every month," Kallas said.')
    assert speaker_actors(nlp, european) == [("Kaja Kallas", "EU")]


def test_speaker_actor_of_people_outside_the_leaders_list_and_of_organisations(nlp):
    latvian = ('Latvian Defence Minister Inara Murniece spoke in Riga. "Our howitzers will be delivered by the '
               'end of the summer," Murniece said.')
    assert speaker_actors(nlp, latvian) == [("Inara Murniece", "LVA")]
    commission = '"The next tranche of support will reach Ukraine before the winter," the European Commission said.'
    # Not a fact (no person speaks), but the attribution knows whom the organisation speaks for.
    assert speaker_actors(nlp, commission) == []
    assert [f.quote.speaker_actor for f in attributed_quotes(nlp(commission), named_only=True)] == ["EU"]
    # Nobody says whom a teacher speaks for.
    teacher = '"We will open the new school for the children in September," said Olha Petrenko, a teacher from Bucha.'
    assert speaker_actors(nlp, teacher) == [("Olha Petrenko", None)]


def test_the_role_in_the_text_picks_between_two_listings_of_a_person(nlp):
    text = ('Estonia has sent more shells to Ukraine. Prime Minister Kaja Kallas visited Kyiv. "Estonia will keep '
            'sending shells to Ukraine every month," Kallas said.')
    assert speaker_actors(nlp, text) == [("Kaja Kallas", "EST")]


def test_a_headline_naming_another_person_does_not_speak_for_the_body(nlp):
    text = ("Volodymyr Zelenskyy welcomes the new systems\n\n"
            "NATO Secretary General Jens Stoltenberg arrived in Kyiv on Thursday.\n\n"
            '"Allies will deliver more air defence systems in the coming weeks," he said.')
    assert quotes(nlp, text) == [("Jens Stoltenberg", "Allies will deliver more air defence systems in the coming weeks,")]
    # With nobody named below it, the headline's person is the one left to speak.
    alone = ("Volodymyr Zelenskyy visits the front\n\n"
             '"Our soldiers will hold every village in this region," he said on Friday.')
    assert quotes(nlp, alone) == [("Volodymyr Zelenskyy", "Our soldiers will hold every village in this region,")]


def test_speaker_named_only_after_the_quote_and_in_continuation_paragraphs(nlp):
    text = ("Volodymyr Zelenskyy met the press in Kyiv on Monday.\n\n"
            '"Allies will deliver more air defence systems in the coming weeks," according to Jens Stoltenberg.\n\n'
            "Jens Stoltenberg also spoke to reporters in Brussels.\n\n"
            '"Every month our support will grow.\n\n'
            '"Ukraine will be stronger next year, and we will stand by it," Stoltenberg said.')
    assert [speaker for speaker, _ in quotes(nlp, text)] == ["Jens Stoltenberg"] * 3


def test_a_double_prime_closes_a_quote_and_a_measure_does_not(nlp):
    text = 'Senator Mark Hollis welcomed the ban. "Our state has the uranium to replace the imports,″ Hollis added.'
    assert quotes(nlp, text) == [("Mark Hollis", "Our state has the uranium to replace the imports,")]
    spans = quoted_spans('He showed the 12″ shell casing. "It came down on our street at night," she said.')
    assert [s.close_pos >= 0 for s in spans] == [True]


def test_relative_pronoun_speaks_for_its_antecedent(nlp):
    text = 'The plan was welcomed by Olena Petrenko, who said that "the shelters must open before the first frost."'
    assert quotes(nlp, text) == [("Olena Petrenko", "the shelters must open before the first frost.")]


def test_a_former_title_does_not_resolve_to_the_current_holder(nlp):
    # "the former Russian president" is not Vladimir Putin: better no quote than a wrong speaker.
    text = ('Senior official Dmitry Medvedev spoke on Sunday about the ally of President Vladimir Putin. '
            '"There simply would not be any other solution," the former Russian president added.')
    assert quotes(nlp, text) == []


def test_pieces_of_one_sentence_joined_by_a_conjunction_keep_their_speaker(nlp):
    text = ('Olena Petrenko told reporters that the city needed "more generators before the winter" from its '
            'partners, and "a second field hospital for the eastern districts."')
    assert [speaker for speaker, _ in quotes(nlp, text)] == ["Olena Petrenko", "Olena Petrenko"]
    # A new sentence in between is no longer one sentence.
    text = ('Olena Petrenko told reporters that the city needed "more generators before the winter" from its '
            'partners. Later the mayor wrote, and "a second field hospital is now open there."')
    assert [speaker for speaker, _ in quotes(nlp, text)] == ["Olena Petrenko"]


def test_the_subject_of_the_clause_speaks_not_a_name_inside_an_apposition_or_an_agent(nlp):
    text = ('Olena Petrenko spoke in Lviv on Monday about Andrii Melnyk.\n\n'
            'Petrenko, herself a Melnyk supporter for years, drew applause upon saying, '
            '"Our city will rebuild every school by the autumn."\n\n'
            'Later Petrenko was joined on stage by Mayor Taras Koval and added, "We will not wait for anyone else."')
    assert [speaker for speaker, _ in quotes(nlp, text)] == ["Olena Petrenko", "Olena Petrenko"]
    # The agent of a passive speech verb does speak.
    text = ('Taras Koval arrived in Lviv on Monday. This was stated by Koval: "The schools will reopen in September."')
    assert [speaker.split()[-1] for speaker, _ in quotes(nlp, text)] == ["Koval"]



def speakers(nlp, text):
    """Every attributed quote's speaker, named or as written (the benchmark view)."""
    return [found.quote.speaker for found in attributed_quotes(nlp(text))]


@pytest.mark.parametrize("text, surnames", [
    # A colon after a name in object position: the clause's subject names nobody, the person before the colon speaks.
    ('The pace of the repairs did not surprise engineer Oksana Hrytsenko: '
     '"Every crew in the region has worked double shifts since the spring."', ["Hrytsenko"]),
    # ... but a person heading the subject speaks even when another person closes the clause.
    ('Mayor Taras Koval sent a short reply to Olena Petrenko: '
     '"The bridge will be open to traffic before the first snow."', ["Koval"]),
    # Of two subjects of one verb, the one nearest it speaks, not a place before it.
    ('On Friday in Lviv, after the vote in the city council, Deputy Mayor Andrii Melnyk (Lviv) said, '
     '"We have the money for all four schools now."', ["Melnyk"]),
    # A participle after a quote does not make its object ("the town") the speaker.
    ('Olena Petrenko gave a defence of "Lviv hospitality," saying the town offered "warm rooms and hot '
     'meals to every family that came."', ["Petrenko"]),
    # A speech verb with no subject ("if asked.") takes the sentence's subject, not a name in an object.
    ('Taras Koval spoke about Olena Petrenko on Monday.\n\n'
     'Koval left the door open to working with the Petrenko team if asked. '
     '"I will help her, and help her gladly, because she can run this city."', ["Koval"]),
    # A quote that ends its sentence is not attributed to the subject of the next sentence ("And Koval said ...").
    ('Olena Petrenko declined to discuss the budget, replying that she is "not going to talk about the money '
     'today." And Mayor Taras Koval said he had not seen the figures.', ["Petrenko"]),
    # The speech verb of a "when" clause sets the scene; the main clause's subject speaks after the colon.
    ('When Taras Koval suggested that the bridge could wait, Olena Petrenko answered sharply: '
     '"If we wait another year, the whole district will be cut off."', ["Petrenko"]),
    # A second speech verb with its own subject between two quotes gives the second quote its own speaker.
    ('"We have rebuilt the bridge twice already, and we will do it again," Taras Koval wrote after Olena Petrenko '
     'claimed at the session that "the city never finishes anything it starts in the spring."', ["Koval", "Petrenko"]),
    # An inverted attribution with a title first and the name in apposition: `said the mayor of Lviv, Name`.
    ('The clinic opened on Monday. "We will keep every school open through the winter," said the mayor of '
     'Lviv, Andrii Sadovyi.', ["Sadovyi"]),
])
def test_the_grammatical_subject_of_the_attribution_speaks(nlp, text, surnames):
    assert [speaker.split()[-1] for speaker, _ in quotes(nlp, text)] == surnames


def test_a_weekday_or_a_person_inside_the_subject_phrase_is_never_the_speaker(nlp):
    text = ('Olena Petrenko did not attend. A council clerk close to Petrenko\'s office, who asked not to be named, '
            'said Thursday, "There are talks between the two offices every week."')
    assert all(speaker not in ("Thursday", "Olena Petrenko") for speaker in speakers(nlp, text))
    assert quotes(nlp, text) == []  # the clerk is unnamed: no quote for the registry
    # A weekday after an inverted verb is not the speaker either.
    text = 'The report was finished late. "The work on the dam will take another two years," said Thursday.'
    assert "Thursday" not in speakers(nlp, text)
