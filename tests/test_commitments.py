"""Commitments on sentences written for these tests, through the real spaCy pipeline."""
import pytest

from aidtrace.facts.commitments import extract_commitments
from aidtrace.model import Document
from aidtrace.pipeline import make_doc


def commitments(annotate, text, published="2023-05-10"):
    doc = annotate(text, published)
    return extract_commitments(doc)


def test_ordinal_hospital_is_one_delivered_medical_item(annotate):
    (c,) = commitments(annotate, "Finland has also provided a second field hospital for Ukrainian soldiers.")
    assert (c.donor, c.category, c.status, c.quantity) == ("FIN", "medical", "delivered", 1)
    assert "hospital" in c.item
    assert c.evidence[0].text.startswith("Finland has also provided")


def test_future_money_pledge_with_amount_and_currency(annotate):
    (c,) = commitments(annotate, "Sweden will provide €50 million in humanitarian aid to Ukraine.")
    assert (c.donor, c.category, c.status) == ("SWE", "humanitarian", "pledged")
    assert (c.amount, c.currency) == (50_000_000, "EUR")


def test_counted_weapons_with_demonym_subject(annotate):
    (c,) = commitments(annotate, "The Dutch government has delivered 12 howitzers to Ukraine.")
    assert (c.donor, c.category, c.status, c.quantity) == ("NLD", "military", "delivered", 12)


def test_reconstruction_of_a_named_region(annotate):
    (c,) = commitments(annotate, "Latvia has begun aiding Ukraine in the reconstruction of bridges in Chernihiv Oblast.")
    assert (c.donor, c.category, c.region) == ("LVA", "reconstruction", "UA-74")


def test_several_donors_from_one_list(annotate):
    found = commitments(
        annotate, "He said Ukraine has received consent from Belgium, Austria and Ireland to join the restoration of liberated towns.")
    assert sorted(c.donor for c in found) == ["AUT", "BEL", "IRL"]
    assert {c.status for c in found} == {"pledged"}


def test_thanks_for_a_kind_of_aid_names_the_partner(annotate):
    text = ("Prime Minister of Croatia Andrej Plenkovic visited Kyiv. "
            "Volodymyr Zelenskyy thanked him for the medical supplies and for the financial support for our state.")
    categories = {(c.donor, c.category) for c in commitments(annotate, text)}
    assert ("HRV", "financial") in categories


@pytest.mark.parametrize("text", [
    "I am grateful to Norway for providing two ambulances.",
    "We are grateful to Norway for the two ambulances.",
    "Our country is sincerely grateful to Norway, which has sent two ambulances.",
])
def test_grateful_to_a_partner_names_the_giver_not_a_recipient(annotate, text):
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status, c.quantity) == ("NOR", "medical", "delivered", 2)


def test_a_parliament_addressed_elsewhere_leaves_the_pledge_standing(annotate):
    (c,) = commitments(annotate, "In his address to the Bundestag, German Chancellor Olaf Scholz promised to send "
                                 "20 howitzers to Ukraine.")
    assert (c.donor, c.status, c.quantity) == ("DEU", "pledged", 20)


def test_one_sum_over_items_of_different_kinds_is_counted_once(annotate):
    found = commitments(annotate, "Norway will provide NOK 2 billion for the repair of power plants and the purchase "
                                  "of 30 mobile transformers.")
    assert sorted(c.category for c in found) == ["energy", "reconstruction"]
    assert [c.amount for c in found if c.amount is not None] == [2e9]


def test_polite_thanks_report_a_delivery_and_a_place_in_the_subject_gives_nothing(annotate):
    (c,) = commitments(annotate, "I would also like to thank Mr. Store for handing over two fire engines to Ukraine. "
                                 "Norway is led by Jonas Gahr Store.")
    assert (c.status, c.category) == ("delivered", "humanitarian")
    (c,) = commitments(annotate, "EU ministers meeting in Luxembourg agreed to send 5,000 helmets to Ukraine.")
    assert c.donor == "EU"


def test_a_vote_to_provide_is_a_pledge(annotate):
    (c,) = commitments(annotate, "The US Senate voted to provide $40 billion to Ukraine.")
    assert (c.donor, c.status, c.amount) == ("USA", "pledged", 40e9)


@pytest.mark.parametrize("text", [
    "He welcomed the address of the US president to the Congress to provide Ukraine with $33 billion.",
    "We will be grateful to Norway for air defence systems, the minister said.",
    "Norway sent the money to a logistics startup in Oslo.",
    "Russia still supplies a third of the EU's gas.",
    "The wounded were taken to Dnipro, where they are being provided with medical aid.",
    "Under the treaty, the guarantor countries would be obliged to provide military assistance to Ukraine.",
    "EU leaders meeting in Brussels agreed to target Iran's partners over its drone deliveries to Russia.",
    "Ministers meeting in Oslo condemned Iran and its missile deliveries.",
    "Kyiv is waiting for the Norwegian parliament to approve the allocation of $2 billion to Ukraine.",
    "\"We thank Norway for every shell and every generator,\" the minister said.",
    "The Norwegian prime minister said he backed a proposal from the opposition to provide $2 billion to Ukraine.",
    "It is thanks to our partners that the front holds.",
    "We are grateful to Norway for the support it gives to Moldova.",
    "Ukraine asked Germany for more air defence systems.",
    "Zelenskyy called on partners to provide fighter jets.",
    "Providing Ukraine with tanks should continue on a sufficient scale, the minister said.",
    "The President thanked Canada for its support.",
    "Germany has delivered 20 howitzers to Lithuania.",
    "If Italy decided to send missiles, it would matter.",
    "Ukraine has provided humanitarian aid to Moldova.",
    "The ambassador delivered a speech on the food crisis caused by Russia.",
    "The United States sanctioned a Serbian arms dealer who helped move shipments.",
    "The European Union decided to grant Ukraine the status of a candidate country.",
    "Belarus has sent ammunition and trucks across the border.",
    "Spain will not send tanks unless Germany sends its tanks first.",
])
def test_requests_calls_bare_thanks_and_other_recipients_are_not_commitments(annotate, text):
    assert commitments(annotate, text) == []


def test_a_container_noun_takes_its_category_from_the_modifier(annotate):
    (c,) = commitments(annotate, "Japan has provided demining equipment to Ukraine.")
    assert (c.donor, c.category, c.item) == ("JPN", "humanitarian", "demining equipment")


def by_item(found):
    """Commitments keyed by the last word of their item ("garbage truck" → "truck")."""
    return {c.item.split()[-1].lower(): c for c in found}


# --- coordinated lists ---------------------------------------------------------------------


def test_each_item_of_a_list_is_a_commitment_with_its_own_quantity(annotate):
    found = commitments(annotate, "Poland has handed over three fire trucks, an ambulance and a garbage truck to Ukraine.")
    assert sorted((c.category, c.quantity) for c in found) == [("humanitarian", 1), ("humanitarian", 3), ("medical", 1)]
    assert {c.donor for c in found} == {"POL"}
    assert all(c.item.count(",") == 0 for c in found)


def test_a_list_under_one_money_value_is_one_commitment(annotate):
    (c,) = commitments(annotate, "The Pentagon announced $500 million in artillery, drones and other hardware for Ukraine.")
    assert (c.donor, c.category, c.status, c.amount, c.currency) == ("USA", "military", "pledged", 500_000_000, "USD")
    assert "drones" in c.item


def test_a_list_sharing_one_complement_is_one_commitment(annotate):
    (c,) = commitments(annotate, "Latvia has provided treatment and rehabilitation of wounded Ukrainian soldiers.")
    assert (c.donor, c.category) == ("LVA", "medical")
    assert c.item.startswith("treatment and rehabilitation")


def test_other_items_closing_a_list_are_no_item_of_their_own(annotate):
    found = commitments(annotate, "Germany has supplied anti-tank weapons, mortars and many other weapons.")
    assert sorted(c.item for c in found) == ["anti-tank weapons", "mortars"]


def test_examples_after_including_are_part_of_the_item(annotate):
    (c,) = commitments(annotate, "The EU decided to provide military support to Ukraine, including equipment and weapons.")
    assert (c.donor, c.category, c.status, c.item) == ("EU", "military", "pledged", "military support")


def test_a_container_takes_its_kind_from_its_example(annotate):
    found = commitments(annotate, "Zelenskyy thanked Austria for humanitarian aid and equipment, including fire engines for rescuers.")
    assert sorted((c.category, c.item) for c in found) == [
        ("humanitarian", "equipment, including fire engines for rescuers"), ("humanitarian", "humanitarian aid")]


# --- any phrase a giving predicate governs -------------------------------------------------


def test_a_weapon_designation_is_military_and_counted(annotate):
    (c,) = commitments(annotate, "The Netherlands will send 18 F-16s to Ukraine.")
    assert (c.donor, c.category, c.status, c.quantity) == ("NLD", "military", "pledged", 18)


def test_a_singular_system_is_one_item(annotate):
    (c,) = commitments(annotate, "Slovakia had provided Ukraine with the S-300 system.")
    assert (c.donor, c.category, c.status, c.quantity, c.item) == ("SVK", "military", "delivered", 1, "S-300 system")


def test_money_given_for_a_purpose_takes_the_purpose_as_item_and_kind(annotate):
    (c,) = commitments(annotate, "Japan decided to allocate an additional $3 million for the development of the medical sphere.")
    assert (c.donor, c.category, c.status, c.amount) == ("JPN", "medical", "pledged", 3_000_000)
    assert c.item == "the development of the medical sphere" or "medical sphere" in c.item


def test_money_given_without_a_purpose_is_financial(annotate):
    (c,) = commitments(annotate, "Canada has decided to allocate USD 120 million of special grant funds for Ukraine.")
    assert (c.donor, c.category, c.status, c.amount, c.currency) == ("CAN", "financial", "pledged", 120_000_000, "USD")


def test_sheltering_refugees_is_humanitarian_shelter(annotate):
    (c,) = commitments(annotate, "Moldova has sheltered half a million Ukrainian refugees fleeing the war.")
    assert (c.donor, c.category, c.status, c.quantity) == ("MDA", "humanitarian", "delivered", None)
    assert c.item == "shelter for Ukrainian refugees fleeing the war"


def test_arrival_from_a_named_country_is_given_by_it(annotate):
    (c,) = commitments(annotate, "She said the BMP-1 infantry fighting vehicles would soon head to Ukraine from Greece.")
    assert (c.donor, c.category, c.status) == ("GRC", "military", "pledged")


def test_what_ukraine_received_from_a_partner_is_given_by_it(annotate):
    (c,) = commitments(annotate, "The first Stingers we received from Lithuania saved many lives.")
    assert (c.donor, c.category, c.status) == ("LTU", "military", "delivered")


def test_a_participle_names_the_giver(annotate):
    (c,) = commitments(annotate, "Ukraine can now use British-supplied missiles against the invaders.")
    assert (c.donor, c.category, c.status) == ("GBR", "military", "delivered")


# --- donors across sentences ---------------------------------------------------------------


def test_the_country_stands_for_the_country_named_before(annotate):
    text = "Germany's defence minister spoke in Berlin on Monday. The country will also send two IRIS-T systems."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status, c.quantity) == ("DEU", "military", "pledged", 2)


def test_it_stands_for_the_country_the_sentences_before_were_about(annotate):
    text = "We can also look at Poland. This state is under direct threat. It provides us with logistical assistance."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status) == ("POL", "military", "delivered")


def test_a_pronoun_later_in_the_sentence_stands_for_its_subject(annotate):
    found = commitments(annotate, "The Baltic states provided real help when they sent us the necessary weapons.")
    assert sorted(c.donor for c in found) == ["EST", "LTU", "LVA"]


def test_a_leader_stands_for_the_country(annotate):
    (c,) = commitments(annotate, "German Chancellor Olaf Scholz announced 14 Leopard tanks for Ukraine.")
    assert (c.donor, c.category, c.status, c.quantity) == ("DEU", "military", "pledged", 14)


def test_a_pronoun_stands_for_the_person_named_before(annotate):
    text = "US President Joe Biden spoke on Friday. He said he would rush more weaponry to Ukraine."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status) == ("USA", "military", "pledged")


def test_we_in_a_quotation_is_the_speakers_country(annotate):
    text = 'Lithuanian President Gitanas Nauseda said: "We have sent mortars and ammunition to Ukraine."'
    found = commitments(annotate, text)
    assert {c.donor for c in found} == {"LTU"} and len(found) == 2


@pytest.mark.parametrize("text", [
    # A subject that names no ally gives nothing, whoever reports it.
    "Annalena Baerbock said that other partners are now providing artillery.",
    "Everyone did their best to shelter Ukrainian families.",
    # "it" in "it is thanks to ... that" stands for nobody.
    "According to him, it is thanks to the world community that the provision of weapons continues.",
    # Ukraine's own government and Ukraine's own purchases.
    "Germany praised the plan. According to Shmyhal, the government has allocated UAH 1.4 billion to restore bridges.",
    "The icebreaker was purchased by the state for the Antarctic expedition.",
])
def test_no_named_giver_no_commitment(annotate, text):
    assert commitments(annotate, text) == []


# --- the recipient must be Ukraine ---------------------------------------------------------


@pytest.mark.parametrize("text", [
    "China provided Russia with drones and parts worth over $12 million.",
    "Iran has supplied attack drones to Russia.",
    "Washington is watching to what extent Beijing would give economic or material support of Russia.",
    "Companies in China and Turkey were accused of helping Russia acquire technology and equipment.",
    "The United States sanctioned companies that supplied equipment to Russia.",
    "Germany has delivered 20 howitzers to Lithuania.",
    "Portugal continues to provide assistance to Ukrainian citizens staying in Portugal.",
])
def test_aid_to_others_is_not_a_commitment(annotate, text):
    assert commitments(annotate, text) == []


def test_a_bill_shared_with_other_countries_keeps_no_amount(annotate):
    (c,) = commitments(annotate, "The US Senate passed a $95 billion aid bill for Ukraine, Israel and Taiwan.")
    assert (c.donor, c.category, c.status, c.amount, c.currency) == ("USA", "military", "pledged", None, None)


def test_a_measure_that_also_includes_others_keeps_no_amount(annotate):
    text = "President Joe Biden signed a $95 billion war aid measure that also included assistance for Israel and Taiwan."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.status, c.amount) == ("USA", "pledged", None)


def test_a_bill_for_ukraine_alone_keeps_its_amount(annotate):
    (c,) = commitments(annotate, "The US Senate passed a $40 billion aid bill for Ukraine.")
    assert (c.amount, c.currency) == (40_000_000_000, "USD")


# --- not given: requests, proposals, hypotheticals, refusals, warnings ---------------------


@pytest.mark.parametrize("text", [
    "President Joe Biden asked Congress for $33 billion to help Ukraine.",
    "The European Commission proposed 50 billion euros in financial support for Ukraine.",
    "If Ukraine receives renewed U.S. military aid, it could hold the line.",
    "Germany refused to send Taurus missiles to Ukraine.",
    "Berlin will not provide the battle tanks that Kyiv has asked for.",
    "Russia warned the United States against supplying long-range missiles to Ukraine.",
    "China is seriously considering sending lethal aid to Russia.",
    "The provision of air defense systems by the United States will be critical, analysts said.",
    "Italy promised nothing, and no howitzers were sent by Rome.",
    "The President thanked the American people for their support.",
    "The Prime Minister of Slovakia stressed the importance of establishing a fund for the reconstruction.",
    # A promise on a condition not yet met, and optimism about a vote not yet taken.
    "Joe Biden promised more air defences for Kyiv if the Senate approves the bill on Tuesday.",
    "Denys Shmyhal expressed optimism that US lawmakers would pass the measure, which has $61bn earmarked for Kyiv.",
    # An appeal to "you", a possibility, and trade by companies.
    "You can give us one percent of all your fighter jets.",
    "A report said Beijing possibly provided equipment with military applications.",
    "Customs data showed that Chinese state-owned military contractors supplied drones and fighter jet parts.",
    # The item is the helper, not what is given; giving something up; members of an alliance.
    "Leaders in Angola and Mozambique remember how Soviet weapons and advisers helped them win freedom.",
    "The lesson from Ukraine is that they gave away their nuclear weapons.",
    "Some other NATO countries providing weapons to Kyiv have balked at that possibility.",
    # A cost to be covered, not a shelter given.
    "A new tax could cover the costs of hosting five million Ukrainian refugees in the EU.",
    # Refusing, hesitating, taking a stance, saying what it would take, asking in the imperative.
    "Washington has declined to send the Abrams because the tank is costly.",
    "Germany hesitated to provide timely financial and military support.",
    "Ben Wallace has slammed Olaf Scholz for his hesitation in providing military aid to Ukraine.",
    "Lindsey Graham is tired of the show surrounding who is going to send tanks.",
    "I firmly support the delivery of tanks, Lindsey Graham said.",
    "Biden can turn the tide by backing his words with the delivery of tanks and long-range weaponry.",
    "Victory requires providing the Ukrainians with the weapons they need, the senator said.",
    "To the Biden Administration: send American tanks so Ukraine can win.",
    # Not decided yet, or only made easier.
    "Zelenskyy thanked the United States for the proposed new funding.",
    "The new law is intended to make it easier for the US to provide military equipment to Ukraine.",
    # A call on a partner, whatever the item is for.
    "The European Union must maximize pressure on Russia and provide Ukraine with all the necessary weapons "
    "to help our country win the war.",
    # Part of a package reported on its own: not one more commitment.
    "As part of the new package, a weapon is to be handed over to Ukraine from the USA.",
])
def test_what_is_not_given_is_not_a_commitment(annotate, text):
    assert commitments(annotate, text) == []


def test_the_money_that_is_given_survives_a_shortage_it_helps_with(annotate):
    # The food is what Ukraine lacks, not what is given: one commitment, the money, for food.
    (c,) = commitments(annotate, "The United States announced $205 million to help Ukraine with shortages of food.")
    assert (c.donor, c.category, c.amount) == ("USA", "humanitarian", 205_000_000)
    assert c.item.startswith("funds to help Ukraine")


def test_money_allocated_through_a_noun_with_an_infinitive_purpose(annotate):
    text = ("Charles Michel visited Kyiv. I am grateful for the allocation of 1.5 billion euros "
            "to finance the military needs of the Armed Forces of Ukraine, Zelenskyy said.")
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status, c.amount, c.currency) == ("EU", "military", "delivered", 1_500_000_000, "EUR")


def test_a_generic_noun_takes_its_kind_from_its_complement(annotate):
    text = "Zelenskyy thanked the Estonian side for practical assistance in strengthening Ukraine's defense capabilities."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status) == ("EST", "military", "delivered")


def test_a_complement_that_names_an_item_is_the_item(annotate):
    (c,) = commitments(annotate, "Zelenskyy thanked Kaja Kallas for Estonia's assistance in the treatment of wounded soldiers.")
    assert (c.donor, c.category) == ("EST", "medical")
    assert "treatment" in c.item


def test_an_assessment_of_supplied_aid_does_not_undo_the_supply(annotate):
    found = commitments(annotate, "Aircraft supplied by Poland and Slovakia will be critical in the coming battle.")
    assert sorted((c.donor, c.category, c.status) for c in found) == [
        ("POL", "military", "delivered"), ("SVK", "military", "delivered")]


def test_a_giver_named_but_not_an_ally_gives_nothing(annotate):
    assert commitments(annotate, "We are grateful for the great military support provided by various states.") == []


def test_it_in_a_relative_clause_is_the_subject_above_not_the_last_country_named(annotate):
    text = ("Speaking in Riga with her Latvian counterpart, Annalena Baerbock said that Germany had chosen "
            "not to make public all the weapons it had previously sent to Ukraine.")
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status) == ("DEU", "military", "delivered")


# --- status --------------------------------------------------------------------------------


@pytest.mark.parametrize("text, status", [
    ("The Bundestag approved 5 billion euros in military aid for Ukraine.", "pledged"),
    ("The US Senate passed a $40 billion aid bill for Ukraine.", "pledged"),
    ("The European Union signed an agreement on macro-financial assistance for Ukraine.", "pledged"),
    ("Zelenskyy praised the decision made by Japan to provide our country with financial support.", "pledged"),
    ("Another Patriot system is to be sent to Ukraine by Germany.", "pledged"),
    ("Joe Biden told Zelensky he will move quickly to send Ukraine fresh military aid.", "pledged"),
    ("The government announced that Britain would be the first country to supply tanks to Ukraine.", "pledged"),
    ("Lithuania has delivered ammunition to Ukraine.", "delivered"),
    ("Norway is providing generators to Ukraine.", "delivered"),
    ("Zelenskyy thanked Israel for the medications it sent to our country.", "delivered"),
    ("The European Union agrees to send more artillery shells to Ukraine.", "pledged"),
    ("Slovakia plans to hand over its MiG-29 jets to Ukraine.", "pledged"),
    ("Greece intends to deliver armoured vehicles to Ukraine.", "pledged"),
    ("After weeks of pressure, Sweden finally relented to send its Archer howitzers.", "pledged"),
    ("Estonian ministers have agreed to step up and deliver more air defence systems.", "pledged"),
    ("Romania agreed on the schedule and delivered the mortars to Ukraine.", "delivered"),
    ("He also welcomed other recent pledges from Spain and Portugal as well as Italy's recent announced "
     "delivery of a new SAMP/T air defence system.", "pledged"),
])
def test_status_follows_the_predicate(annotate, text, status):
    (c,) = commitments(annotate, text)
    assert c.status == status


# --- cumulative ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "The United States has provided $9.1 billion in security assistance since February.",
    "Since the start of the war, Canada has given 4 billion dollars in financial aid to Ukraine.",
    "So far, Denmark has donated 19 F-16 jets to Ukraine.",
    "The UK has pledged more than £4.7 billion in non-military support to Ukraine since 2022.",
    "Overall, Sweden has sent 500 million euros in humanitarian aid.",
])
def test_a_running_total_is_cumulative(annotate, text):
    (c,) = commitments(annotate, text)
    assert c.cumulative is True


@pytest.mark.parametrize("text", [
    "The Pentagon announced a new $1 billion package of weapons for Ukraine.",
    "The US announced a $2 billion military aid package, the largest package to date.",
    "Denmark will donate 19 F-16 jets to Ukraine.",
])
def test_a_single_package_is_not_cumulative(annotate, text):
    (c,) = commitments(annotate, text)
    assert c.cumulative is False


def test_non_military_support_is_financial(annotate):
    (c,) = commitments(annotate, "The UK has pledged more than £4.7 billion in non-military support to Ukraine since 2022.")
    assert (c.donor, c.category, c.amount, c.currency) == ("GBR", "financial", 4_700_000_000, "GBP")


# --- givers the sentence leaves unnamed -----------------------------------------------------


def test_aid_provided_by_nobody_named_is_the_sole_partners(annotate):
    text = ("Prime Minister of Canada Justin Trudeau visited Kyiv. The already provided financial support "
            "to our state in the amount of 120 million dollars is really important for us, Zelenskyy stressed.")
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status, c.amount, c.currency) == ("CAN", "financial", "delivered", 120_000_000, "CAD")


def test_aid_provided_by_nobody_named_in_a_document_about_two_partners_is_nobodys(annotate):
    text = ("Justin Trudeau and Olaf Scholz visited Kyiv. The already provided financial support "
            "is really important for us, Zelenskyy stressed.")
    assert commitments(annotate, text) == []


@pytest.mark.parametrize("source", ["president.gov.ua", "gdelt:UA", "gdelt:US"])
def test_dollars_written_with_a_sign_stay_american_in_an_outlet_that_writes_so(nlp, source):
    """A Ukrainian or American outlet writes "$" for the US dollar (data/dollar_outlets.txt)."""
    text = "Canada has provided $120 million in financial support to Ukraine."
    doc = nlp(make_doc(nlp, Document(id="t", text=text, published="2023-06-15", source=source)))
    (c,) = extract_commitments(doc)
    assert (c.donor, c.currency) == ("CAN", "USD")


# --- packages and what they include ---------------------------------------------------------


def test_a_package_a_leader_signed_and_what_it_includes(annotate):
    text = ("The $40 billion aid package President Joe Biden signed on Tuesday was the result of long talks. "
            "The recent aid package includes long-range missiles, or ATACMS, which could reach Crimea.")
    found = commitments(annotate, text)
    assert sorted((c.donor, c.category, c.status, c.amount or 0) for c in found) == [
        ("USA", "military", "pledged", 0), ("USA", "military", "pledged", 40_000_000_000)]
    missiles = next(c for c in found if "missiles" in c.item)
    assert "ATACMS" in missiles.item and missiles.region is None  # Crimea is where they reach, not the aid's


def test_what_a_package_includes_with_nothing_reported_before_is_no_commitment(annotate):
    assert commitments(annotate, "The package includes long-range missiles.") == []


def test_money_the_sentence_gives_to_ukraine_and_another_country_is_shared(annotate):
    text = "The US Senate approved the $20 billion military aid package to get funding to Ukraine and Israel."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.status, c.amount) == ("USA", "pledged", None)


def test_who_or_where_the_item_is_for_is_not_part_of_its_name(annotate):
    (c,) = commitments(annotate, "Estonia will provide a mobile field hospital for Zhytomyr Oblast.")
    assert (c.item, c.quantity, c.region) == ("mobile field hospital", 1, "UA-18")


def test_what_the_item_is_for_is_part_of_its_name(annotate):
    (c,) = commitments(annotate, "The United States has sent spare parts for MiG-29s to Ukraine.")
    assert (c.donor, c.category, c.item) == ("USA", "military", "spare parts for MiG-29s")


def test_a_converted_value_in_parentheses_is_not_the_amount(annotate):
    (c,) = commitments(annotate, "The United States has provided more than $9bn (£7.28bn) of economic assistance to Ukraine.")
    assert (c.donor, c.category, c.amount, c.currency) == ("USA", "financial", 9_000_000_000, "USD")


def test_one_thing_named_twice_in_a_sentence_is_one_commitment(annotate):
    text = ("It is not a problem for British-supplied arms to be used against military targets, "
            "as the weapons now being supplied have the range, Ben Wallace said.")
    assert [c.donor for c in commitments(annotate, text)] == ["GBR"]


def test_what_a_request_to_congress_would_include_is_not_given(annotate):
    text = ("Joe Biden announced more military aid for Ukraine on Monday. On Thursday Biden asked Congress to approve "
            "spending that would include over $33bn in military aid, from heavy artillery to anti-aircraft missiles.")
    found = commitments(annotate, text)
    assert [(c.donor, c.status, c.amount) for c in found] == [("USA", "pledged", None)]


def test_what_a_package_will_include_is_pledged(annotate):
    text = ("Germany has delivered a new aid package to Ukraine. The package will also include two IRIS-T systems.")
    found = {c.item: c for c in commitments(annotate, text)}
    assert found["IRIS-T systems"].status == "pledged" and found["IRIS-T systems"].quantity == 2


def test_an_offer_in_the_conditional_is_still_a_pledge(annotate):
    (c,) = commitments(annotate, "Spain could be responsible for rebuilding schools in Kharkiv.")
    assert (c.donor, c.category, c.status, c.region) == ("ESP", "reconstruction", "pledged", "UA-63")


def test_a_humanitarian_aid_package_is_humanitarian(annotate):
    (c,) = commitments(annotate, "Zelenskyy thanked the United States for another $1 billion humanitarian aid package.")
    assert (c.donor, c.category, c.amount) == ("USA", "humanitarian", 1_000_000_000)


def test_one_package_announced_and_then_provided_is_one_commitment(annotate):
    text = ("Joe Biden has announced a new $1 billion security assistance package for Ukraine. "
            "The United States is providing another $1 billion in security assistance for Ukraine, Biden said.")
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.amount) == ("USA", "military", 1_000_000_000)


def test_what_money_is_announced_for_is_part_of_it(annotate):
    text = ('"Today I am announcing an additional $225 million in humanitarian assistance, including by '
            'supplying drinking water, medical supplies and food," Joe Biden said.')
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status, c.amount) == ("USA", "humanitarian", "pledged", 225_000_000)


def test_money_after_the_item_in_another_clause_is_not_its_amount(annotate):
    text = ("The UK plans to give vital equipment to Kyiv, as well as an additional £500m in military funding, "
            "taking the total to £3bn this year.")
    found = {c.item: c for c in commitments(annotate, text)}
    assert found["vital equipment"].amount is None
    assert found["military funding"].amount == 500_000_000


def test_what_comes_with_an_item_is_part_of_it(annotate):
    (c,) = commitments(annotate, "Poland supplied two ambulances with medical equipment.")
    assert (c.donor, c.category, c.quantity) == ("POL", "medical", 2)


def test_the_capital_named_for_the_government_is_no_region(annotate):
    (c,) = commitments(annotate, "The United States last month passed a long-delayed aid package for Kyiv.")
    assert (c.donor, c.status, c.region) == ("USA", "pledged", None)


# --- precision on untuned text: dollars, tense, totals, parts, needs, manners -------------------


@pytest.mark.parametrize("text, currency", [
    ("New Zealand will contribute $12 million towards mine clearance in Ukraine.", "NZD"),
    ("Canberra said Australia would ship another $40 million of armoured vehicles to Ukraine.", "AUD"),
    ("Australia will ship US$40 million of armoured vehicles to Ukraine.", "USD"),
])
def test_a_bare_dollar_beside_a_donor_with_its_own_dollar_is_that_dollar(annotate, text, currency):
    (c,) = commitments(annotate, text)
    assert c.currency == currency


def test_a_text_that_writes_the_donors_dollar_sign_keeps_a_bare_dollar_american(annotate):
    text = ("Canada pledged C$50 million in humanitarian aid to Ukraine. "
            "Ottawa has also sent $20 million worth of ammunition to Ukraine.")
    found = {c.category: c for c in commitments(annotate, text)}
    assert (found["humanitarian"].currency, found["military"].currency) == ("CAD", "USD")


def test_a_running_total_in_a_side_clause_leaves_the_new_package_uncumulated(annotate):
    text = ("Norway announced $250 million in military aid for Ukraine, raising the total it has "
            "provided since 2022 to $2 billion.")
    (c,) = commitments(annotate, text)
    assert (c.donor, c.amount, c.status, c.cumulative) == ("NOR", 250_000_000, "pledged", False)


@pytest.mark.parametrize("text, item", [
    ("Sweden has sent anti-aircraft weapons, including RBS 70 launchers and Stinger missiles.", "anti-aircraft weapons"),
    ("Spain delivered 30 vehicles, including 10 armoured ambulances and 20 trucks, to the Ukrainian army.", "vehicles"),
])
def test_examples_of_a_specific_item_are_its_parts_not_items_of_their_own(annotate, text, item):
    (c,) = commitments(annotate, text)
    assert item in c.item


@pytest.mark.parametrize("text", [
    "More decisions have to be taken to deliver air defence systems to Ukraine, the minister said.",
    "Europe has to supply more artillery shells to Ukraine this year.",
    "The President thanked Lithuania for the warm treatment of Ukrainian refugees.",
    "Zelensky praised the Czech Republic for its hospitable treatment of displaced Ukrainians.",
])
def test_obligations_and_manners_of_treating_people_are_not_commitments(annotate, text):
    assert commitments(annotate, text) == []


@pytest.mark.parametrize("text", [
    'A contract between the "Kharkiv Engineering and Training Centre for Safety" and a Turkish agency was signed by Turkey.',
    "The President addressed the leaders of the G7 at a meeting chaired by Boris Johnson. "
    "I am grateful to each of you for the weapons, sanctions and support.",
    "The largest share of the funds came from philanthropists from Canada (about 40%) and Sweden (21%).",
    "A Danish foundation donated 20 ambulances to Ukraine.",
])
def test_names_audiences_and_private_givers_give_no_state_commitment(annotate, text):
    assert commitments(annotate, text) == []


@pytest.mark.parametrize("text", [
    "Ireland has allocated 10 million euros to house Ukrainian refugees in Ireland.",
    "The Czech Republic provides assistance to Ukrainian citizens temporarily staying in the Czech Republic.",
    '"You have hosted 40,000 Ukrainian refugees, you have provided them with housing, with funding and with '
    'schooling," Zelensky told the Taoiseach of Ireland.',
])
def test_help_for_refugees_abroad_is_no_aid_to_ukraine_beyond_their_shelter(annotate, text):
    assert all(c.item.startswith("shelter for") for c in commitments(annotate, text))


def test_help_for_displaced_people_in_ukraine_stays(annotate):
    (c,) = commitments(annotate, "The EU allocated 50 million euros for displaced people in Ukraine.")
    assert (c.donor, c.amount) == ("EU", 50_000_000)


def test_a_container_announced_before_a_list_on_the_verb_gives_way_to_the_counted_items(annotate):
    text = ("The UK plans to give vital equipment to Kyiv including 300 trucks, more than 900 drones, "
            "2m rounds of ammunition, 40 boats.")
    assert {c.item: c.quantity for c in commitments(annotate, text)} == {
        "trucks": 300, "drones": 900, "rounds of ammunition": 2_000_000, "boats": 40}


def test_a_scaled_count_is_the_quantity_and_a_recipient_is_no_part_of_the_item(annotate):
    (c,) = commitments(annotate, "Sweden sent 2m rounds of ammunition to Ukraine.")
    assert (c.item, c.quantity) == ("rounds of ammunition", 2_000_000)


def test_an_apposition_placing_the_item_in_something_larger_is_no_part_of_it(annotate):
    (c,) = commitments(annotate, "Poland has delivered more tanks, part of a wave of European support for the offensive.")
    assert (c.donor, c.item) == ("POL", "more tanks")


def test_money_shared_with_unnamed_other_countries_has_no_ukrainian_amount(annotate):
    (c,) = commitments(annotate, "Norway said it would allocate an extra $300m of military aid to Ukraine and other Nordic nations.")
    assert (c.donor, c.amount) == ("NOR", None)


def test_a_figure_since_the_war_began_in_a_clause_is_a_running_total(annotate):
    (c,) = commitments(annotate, "Belgium has provided €90m in military assistance since Russia launched its invasion.")
    assert (c.donor, c.amount, c.cumulative) == ("BEL", 90_000_000, True)


@pytest.mark.parametrize("text, item", [
    ("Zelenskyy thanked Norway for valuable military assistance, especially the transfer of NASAMS systems.",
     "military assistance"),
    ("Prime Minister of Finland Sanna Marin visited Kyiv. "
     "I am also grateful for the financial support - 500 million euros for artillery.", "financial support"),
])
def test_an_example_or_the_purchase_of_an_item_is_no_item_of_its_own(annotate, text, item):
    (c,) = commitments(annotate, text)
    assert c.item == item


def test_a_container_given_as_the_means_of_a_purpose_takes_the_purposes_kind(annotate):
    text = "Croatia is ready to join the rebuilding of Ukraine's schools, in particular by providing equipment."
    (c,) = commitments(annotate, text)
    assert (c.donor, c.category, c.status) == ("HRV", "reconstruction", "pledged")


def test_it_after_a_package_subject_is_the_package_not_a_new_giver(annotate):
    text = ("The United States announced $3 billion in military aid for Ukraine. The package includes money for "
            "training. It also delivers more mortars, part of a surge of American support.")
    assert [c.item for c in commitments(annotate, text)] == ["military aid"]


@pytest.mark.parametrize("text", [
    "The minister described the speed of a new process of fixing donated weapons in Poland and Slovakia.",
    "The minister praised the pace of a new process of fixing weapons donated and damaged in combat - "
    "in Hungary, Lithuania and soon in Latvia.",
    "The general noted the work of a centre of servicing weapons donated and damaged in battle - in Hungary and Lithuania.",
])
def test_countries_where_given_weapons_are_repaired_are_no_givers(annotate, text):
    assert commitments(annotate, text) == []


@pytest.mark.parametrize("text", [
    "The President addressed the Seimas of Lithuania. Will you finally send us the tanks that our soldiers need?",
    "Kyiv would like to receive more help from the Kingdom of Norway in artillery and air defence systems.",
    "Minister Kallas of Estonia met the delegation. She stressed the importance of providing Ukraine with more "
    "armoured vehicles before winter.",
    "The Polish delegation visited the city. Mothers give birth to children in the maternity hospitals of Kharkiv.",
])
def test_questions_wishes_calls_and_idioms_give_nothing(annotate, text):
    assert commitments(annotate, text) == []


def test_thanks_in_the_conditional_still_thank_for_what_was_sent(annotate):
    (c,) = commitments(annotate, "We would like to thank Denmark for the howitzers it sent.")
    assert (c.donor, c.status) == ("DNK", "delivered")


@pytest.mark.parametrize("text", [
    "The deputy head of the Office thanked the EU countries for the important humanitarian aid.",
    "Zelensky thanked the NATO member states for the weapons.",
])
def test_thanks_to_an_organisations_members_name_no_donor(annotate, text):
    assert commitments(annotate, text) == []


def test_a_container_listed_with_medicines_is_medical(annotate):
    found = commitments(annotate, "The WHO has delivered equipment, machinery and medicines to Ukraine.")
    assert {c.category for c in found} == {"medical"}


def test_other_equipment_after_a_list_is_more_of_the_listed_kind(annotate):
    found = commitments(annotate, "Austria has delivered fire engines, rescue vehicles and other equipment to Ukraine.")
    assert {c.category for c in found} == {"humanitarian"}
    assert {c.item for c in found} >= {"fire engines", "rescue vehicles"}


@pytest.mark.parametrize("text", [
    "I am sure that Luxembourg will join the reconstruction of Ukraine after the war.",
    "We are confident that Germany will send more tanks to Ukraine.",
])
def test_a_belief_about_what_others_will_give_is_no_pledge(annotate, text):
    assert commitments(annotate, text) == []


def test_a_non_prefix_stays_in_the_item(annotate):
    (c,) = commitments(annotate, "Britain will give £100 million of non-military aid to Ukraine.")
    assert c.item == "non-military aid" and c.category != "military"


def test_it_after_a_thing_as_subject_stands_for_the_thing_not_the_last_country(annotate):
    text = ("Queen Mathilde of Belgium visited Kyiv. The programme is meant to strengthen the public sector. "
            "It provides training for mental health professionals.")
    assert commitments(annotate, text) == []
    (c,) = commitments(annotate, "Poland is a close partner of Ukraine. It provides 100 tanks.")
    assert (c.donor, c.quantity) == ("POL", 100)
