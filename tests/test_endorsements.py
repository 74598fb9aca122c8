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
    # a list of supporters, a group of countries among them: one endorsement per member
    ("Norway, the Nordic countries and Poland back a tougher embargo on Russian oil.",
     {(c, "sanctions") for c in ("NOR", "DNK", "FIN", "ISL", "SWE", "POL")}),
    # leaders or ministers of a named body speak for it, not for the document's partner
    ("NATO ministers agreed to reaffirm the territorial integrity of Ukraine.", {("NATO", "territorial_integrity")}),
    # an EU official speaks for the EU; the aggressor held accountable holds nothing
    ("Josep Borrell, the EU High Representative, said that Moscow must be held accountable for its crimes.",
     {("EU", "accountability")}),
    ("The Belgian minister stated that Russia should pay compensation for every destroyed school.",
     {("BEL", "accountability")}),
    # a commitment or stand held
    ("Ireland is committed to the creation of a special tribunal.", {("IRL", "accountability")}),
    ("Portugal firmly stands for Ukraine's sovereignty and territorial integrity.", {("PRT", "territorial_integrity")}),
    ("Latvia will propose a new package of sanctions against Moscow.", {("LVA", "sanctions")}),
    ("Croatia is ready to impose further sanctions on Russia.", {("HRV", "sanctions")}),
    # "his support" after thanks is the thanked one's; "thanked him" is the partner, not the thanker
    ("Zelenskyy spoke with Prime Minister of Japan Fumio Kishida. "
     "The President of Ukraine thanked Fumio Kishida for his steady support for Ukraine's territorial integrity.",
     {("JPN", "territorial_integrity")}),
    ("Chancellor of Austria Karl Nehammer came to Kyiv. "
     "Volodymyr Zelenskyy thanked him for the firm support for the territorial integrity of Ukraine.",
     {("AUT", "territorial_integrity")}),
    # "European and Euro-Atlantic" names both memberships
    ("Slovenia confirmed its support for Ukraine's European and Euro-Atlantic aspirations.",
     {("SVN", "eu_membership"), ("SVN", "nato_membership")}),
    # "In May" is a date, not the modal "may"
    ("In May the Netherlands came out in support of a special tribunal.", {("NLD", "accountability")}),
    # "the bloc" and "the Alliance" of news stand for the EU and NATO
    ("The 27-member bloc adopted a further package of sanctions against Moscow.", {("EU", "sanctions")}),
    ("The Alliance confirmed its backing for Ukraine's territorial integrity.", {("NATO", "territorial_integrity")}),
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
    "The United States will impose sanctions on Russia if it invades Ukraine.",
    "Oil prices depend on what sanctions Canada is likely to impose on Russia.",
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
    # the aggressor's own acts, reported by an ally
    "The Czech minister said that Russia committed war crimes near Kharkiv.",
    "Estonia's Prime Minister said that Russia is committing war crimes every day.",
    # Ukraine's conviction about another's stance, a country's own application, a condition
    "The President voiced his conviction that Madrid backs the candidate status for Ukraine.",
    "Georgia applied for EU membership a week later.",
    "She warned that in the case of an attack, British sanctions against Moscow would be harsh.",
    # a call laid on an ally ("must", "should") is no stance of its own
    "The European Union must tighten the sanctions pressure on Moscow.",
    "Austria should continue to back sanctions against the aggressor.",
    # the public of a country is not its government
    "A clear majority of Italians support tougher sanctions against Russia.",
    "Seventy percent of Swedes back an oil embargo on Russia.",
    # sanctions that hit another country than Russia
    "Belarus was hit by new sanctions from Canada.",
])
def test_requests_topics_and_ukraines_own_views_are_not_endorsements(annotate, text):
    assert endorsements(annotate, text) == set()
