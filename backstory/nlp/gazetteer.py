"""Word lists the entity rules read: country names and aliases, capitals that stand for their
governments, and the nouns that make a phrase a title or an organisation's description.

Kept as data so that an editor can extend them without touching the rules.
"""

from __future__ import annotations

__all__ = ["CAPITALS", "COUNTRY_ALIASES", "INSTITUTIONS", "LOCATIVE", "NATIONALITIES", "ORG_NOUNS",
           "TITLE_NOUNS"]

# Other names of countries, mapped to the one canonical name Backstory shows.
COUNTRY_ALIASES: dict[str, str] = {
    "US": "United States", "U.S.": "United States", "U.S": "United States",
    "USA": "United States", "U.S.A.": "United States", "America": "United States",
    "United States of America": "United States", "the United States": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom", "PRC": "China", "People's Republic of China": "China",
    "Mainland China": "China", "Russian Federation": "Russia", "South Korea": "South Korea",
    "ROK": "South Korea", "Republic of Korea": "South Korea", "DPRK": "North Korea",
    "UAE": "United Arab Emirates", "the Netherlands": "Netherlands", "Holland": "Netherlands",
    "EU": "European Union", "the EU": "European Union",
}

# A capital (or seat of government) used as an actor stands for the country's government:
# "Washington should lift…", "talks between Beijing and Washington".
CAPITALS: dict[str, str] = {
    "Washington": "United States", "Beijing": "China", "Moscow": "Russia", "Kyiv": "Ukraine",
    "Kiev": "Ukraine", "London": "United Kingdom", "Paris": "France", "Berlin": "Germany",
    "Tokyo": "Japan", "Seoul": "South Korea", "Pyongyang": "North Korea", "Tehran": "Iran",
    "New Delhi": "India", "Delhi": "India", "Islamabad": "Pakistan", "Kabul": "Afghanistan",
    "Ankara": "Turkey", "Riyadh": "Saudi Arabia", "Cairo": "Egypt", "Ottawa": "Canada",
    "Canberra": "Australia", "Brussels": "European Union", "Rome": "Italy", "Madrid": "Spain",
    "Warsaw": "Poland", "Taipei": "Taiwan", "Hanoi": "Vietnam", "Manila": "Philippines",
    "Jakarta": "Indonesia", "Brasilia": "Brazil", "Mexico City": "Mexico",
    "Caracas": "Venezuela", "Havana": "Cuba", "Damascus": "Syria", "Baghdad": "Iraq",
    "Minsk": "Belarus", "Tbilisi": "Georgia", "Wellington": "New Zealand",
    "Pretoria": "South Africa", "Abuja": "Nigeria", "Nairobi": "Kenya", "Doha": "Qatar",
    "Abu Dhabi": "United Arab Emirates", "Tel Aviv": "Israel", "Kremlin": "Russia",
    "White House": "United States", "Downing Street": "United Kingdom",
}

# Prepositions after which a capital is a place, not a government: "in Beijing".
LOCATIVE = frozenset({
    "in", "at", "to", "from", "near", "into", "outside", "inside", "across", "around",
    "through", "via", "toward", "towards", "within", "throughout", "visit",
    "visited", "visiting", "arrived", "left", "flew", "based",
})

# Nouns that end a title or role: "public security minister", "Homeland Security Secretary".
TITLE_NOUNS = frozenset({
    "minister", "secretary", "president", "vice-president", "premier", "chancellor",
    "governor", "mayor", "senator", "congressman", "congresswoman", "representative",
    "ambassador", "envoy", "diplomat", "spokesman", "spokeswoman", "spokesperson", "chief",
    "chairman", "chairwoman", "chair", "ceo", "director", "head", "leader", "commander",
    "general", "admiral", "judge", "justice", "attorney", "prosecutor", "king", "queen",
    "prince", "princess", "pope", "emperor", "counterpart", "official", "officer",
    "adviser", "advisor", "analyst", "economist", "professor", "researcher", "scientist",
    "founder", "co-founder", "executive", "manager", "coach", "captain", "striker",
    "midfielder", "defender", "goalkeeper", "player", "candidate", "nominee", "lawmaker",
    "legislator", "mp", "mep", "sheriff", "commissioner", "inspector", "superintendent",
    "deputy", "treasurer", "speaker", "whip", "correspondent",
    "editor", "reporter", "columnist", "author", "actor", "actress", "singer", "director-general",
    "secretary-general", "lawyer", "campaigner", "activist", "owner", "boss", "president-elect",
    "constable", "sergeant", "detective", "lieutenant", "colonel", "corporal",
})

# Nouns that describe an organisation: "state news agency Xinhua", "the carmaker Ford".
ORG_NOUNS = frozenset({
    "agency", "newspaper", "broadcaster", "network", "channel", "daily", "tabloid", "outlet",
    "magazine", "company", "firm", "group", "giant", "maker", "carmaker", "automaker",
    "retailer", "bank", "lender", "insurer", "airline", "operator", "manufacturer",
    "party", "ministry", "department", "organisation", "organization", "charity", "union",
    "regulator", "watchdog", "court", "council", "committee", "think-tank", "institute",
    "university", "club", "team", "side", "label", "studio", "publisher", "developer",
    "startup", "start-up", "conglomerate", "supplier", "exchange", "fund", "alliance",
    "coalition", "body", "authority", "commission", "service", "army", "militia",
})

# Institutions a nationality can head: "Chinese embassy", "Russian foreign ministry".
INSTITUTIONS = frozenset({
    "embassy", "consulate", "ministry", "government", "military", "army", "navy",
    "police", "parliament", "cabinet", "authorities", "administration", "regime",
    "court", "media", "agency", "department", "office", "mission", "delegation",
    "coastguard", "senate", "congress", "legislature", "presidency", "bank",
})

# Nationality words and prefixes → the country they name ("Chinese embassy" → China).
NATIONALITIES: dict[str, str] = {
    "Chinese": "China", "American": "United States", "US": "United States",
    "U.S.": "United States", "British": "United Kingdom", "UK": "United Kingdom",
    "Russian": "Russia", "Ukrainian": "Ukraine", "French": "France", "German": "Germany",
    "Japanese": "Japan", "South Korean": "South Korea", "North Korean": "North Korea",
    "Korean": "South Korea", "Indian": "India", "Israeli": "Israel", "Iranian": "Iran",
    "Palestinian": "Palestine", "Canadian": "Canada", "Australian": "Australia",
    "Mexican": "Mexico", "Brazilian": "Brazil", "Turkish": "Turkey", "Saudi": "Saudi Arabia",
    "Egyptian": "Egypt", "Italian": "Italy", "Spanish": "Spain", "Polish": "Poland",
    "Taiwanese": "Taiwan", "Philippine": "Philippines", "Filipino": "Philippines",
    "Vietnamese": "Vietnam", "Indonesian": "Indonesia", "Pakistani": "Pakistan",
    "Afghan": "Afghanistan", "Syrian": "Syria", "Iraqi": "Iraq", "Venezuelan": "Venezuela",
    "Cuban": "Cuba", "Argentine": "Argentina", "Argentinian": "Argentina", "Dutch":
    "Netherlands", "Swedish": "Sweden", "Norwegian": "Norway", "Irish": "Ireland",
}
