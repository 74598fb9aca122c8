"""Endorsements on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.endorsements import extract_endorsements


def endorsements(annotate, text):
    doc = annotate(text)
    return {(e.actor, e.subject) for e in extract_endorsements(doc)}


@pytest.mark.parametrize("text, expected", [
    ("Estonian Prime Minister Kaja Kallas signed a joint declaration expressing Estonia's support for Ukraine's future in both NATO and the EU.",
     {("EST", "nato_membership"), ("EST", "eu_membership")}),
    ("Romania supports the European perspective of Ukraine.", {("ROU", "eu_membership")}),
    ("On May 31, the European Union announced the approval of a new package of sanctions against Russia.",
     {("EU", "sanctions")}),
    ("Spain reaffirmed its support for the sovereignty and territorial integrity of Ukraine.",
     {("ESP", "territorial_integrity")}),
    ("The Netherlands backs a special tribunal for the crime of aggression.", {("NLD", "accountability")}),
    # the one thanked or praised holds the position
    ("The President thanked Norway for its firm support for Ukraine's territorial integrity.",
     {("NOR", "territorial_integrity")}),
    ("The President praised Belgium's continued support for Ukraine's territorial integrity.",
     {("BEL", "territorial_integrity")}),
    # "her country" is the speaker's; the sanctions imposed by the EU are the EU's
    ("Lithuania's Prime Minister said that her country fully supports the sanctions imposed by the European Union on Russia.",
     {("LTU", "sanctions"), ("EU", "sanctions")}),
    # sanctions in force named by their issuer
    ("We see that Canadian sanctions against Russia are working.", {("CAN", "sanctions")}),
    # the antecedent of "who"
    ("We are grateful to the Prime Minister of Greece, who spoke out in favor of Ukraine's accession to the European Union.",
     {("GRC", "eu_membership")}),
    # "the parties" are Ukraine and the partner the document is about
    ("President Zelenskyy met Prime Minister of Sweden Ulf Kristersson in Kyiv. "
     "The parties stressed the need to strengthen sanctions against Russia.", {("SWE", "sanctions")}),
    # "we agreed with X": X is the partner
    ("We agreed with Britain to strengthen sanctions against the Russian Federation.", {("GBR", "sanctions")}),
    # a verbless list item of a speech belongs to the partner it thanked
    ("I want to thank Finland for everything. Weapons for our army. Sanctions against Russia and an embargo on its oil.",
     {("FIN", "sanctions")}),
])
def test_stated_support_for_a_goal(annotate, text, expected):
    assert endorsements(annotate, text) == expected


@pytest.mark.parametrize("text", [
    "Zelenskyy called on Hungary to support new sanctions.",
    "The leaders discussed sanctions and Ukraine's EU membership.",
    "Ukraine hopes that Portugal will support its candidate status.",
    "Ukraine supports tougher sanctions against Russia.",
    "The United States imposed sanctions on a Serbian official for arms trafficking.",
    "Hungary opposed the new package of sanctions against Russia.",
    # hypothetical and negated
    "Serbia could introduce sanctions against Russia under certain conditions.",
    "Serbia did not introduce sanctions against Russia.",
    # Ukraine's belief about another's position
    "Zelenskyy expressed his belief in Denmark's support for Ukraine's path to EU membership.",
    # another country's membership
    "Stockholm's path to NATO membership was cleared this month.",
    # breaking sanctions, and sanctions by an unnamed holder
    "China will bear the consequences for breaking sanctions against Russia.",
    "The Serbian minister noted that Western countries have adopted sanctions against Russia.",
    # only discussed
    "The two presidents discussed support for Ukraine's path towards membership in the European Union.",
    # views exchanged are a topic
    "The interlocutors exchanged views on bringing to justice those responsible for war crimes.",
    # a clause of its own after thanks, and a topic heading, are no thanked items
    "I want to thank Finland for everything. Sanctions that will stop the money for the war.",
    "I want to thank Finland for everything. As for sanctions.",
])
def test_requests_topics_and_ukraines_own_views_are_not_endorsements(annotate, text):
    assert endorsements(annotate, text) == set()
