"""Words that, near a value, say what it is: cues of names, phone numbers and cards.

Pure data (word lists), written as words separated by blanks.
"""

from __future__ import annotations

from syndata.privacy.recognizers.text import words

# Presidio's phone context less "number" (an "ssn_number" is no phone number), plus more.
PHONE_CONTEXT = words("""
phone telephone tel cell cellphone mobile call fax contact telefon telefono teléfono
telefone portable handy celular
""")
PHONE_REGIONS = tuple(
    words("""
US GB DE FR ES IT NL BR IN PL SE CH AT BE PT DK NO IE MX AU
""")
)
# Words before a name: a title ("Mr.", "Frau"), then any capitalised name; a verb or
# greeting ("call", "ask", "spoke with", "thanks", "per"), then a listed name or a
# capitalised word that is no common word; a preposition or a role ("from", "by",
# "driver", "patient"), then a listed name that is no common word nor a place.
NAME_CUES = frozenset(
    words("""
call calling phone phoned ring rang ask asked asking contact contacted
contacting email emailed mail mailed text texted message messaged ping pinged tell told
remind reminded cc bcc attn dear hi hello hey thanks thank thx regards cheers spoke speak
speaking talked talk talking met meet meeting visited inform informed notify notified
assigned escalated approved signed reviewed reported requested handled forwarded
transferred referred seen treated examined invited interviewed paid refunded reach reached
per verified checked confirmed prepared
written created updated closed opened entered logged submitted completed processed
authorised authorized accepted rejected declined cancelled canceled booked scheduled
bel bellen belde vraag vragen mailen gesproken gebeld hallo beste rappeler appeler appelé
contacter demander bonjour salut cher chère llamar llamó contactar preguntar avisar hola
querido querida estimado estimada chiamare chiamato contattare chiedere sentire telefonare
ciao gentile caro cara anrufen angerufen fragen liebe lieber hallo sprach gesprochen
""")
)
NAME_PREPOSITIONS = frozenset(
    words("""
from by with for to für mit von an par pour avec con door voor met
customer client patient employee driver courier technician agent nurse doctor colleague
supervisor user member tenant guest caller applicant candidate person recipient sender
holder cardholder beneficiary insured passenger student teacher kunde kundin klant cliente
paciente patiente ansprechpartner ansprechpartnerin contactpersoon
""")
)
ABBREVIATED_CUES = frozenset({"attn", "cc", "tel"})
CUE_FILLERS = frozenset(
    words("""
back up with to by for on again out a al à an mit met terug
""")
)
GREETINGS = frozenset(
    words(
        "dear hi hello hey thanks thank thx cheers regards hallo beste "
        "bonjour salut hola ciao liebe lieber cher chère querido querida "
        "estimado estimada gentile caro cara"
    )
)
MONTH_ABBREVIATIONS = frozenset(
    words(
        "jan feb mar apr jun jul aug sep sept oct nov dec "
        "mär mai okt dez janv févr avr juil sept déc ene "
        "abr ago dic gen mag giu lug ott mrt mei"
    )
)
PLACE_PREPOSITIONS = frozenset(words("in at near to à en nach aus naar bij a"))
DETERMINERS = frozenset(
    words(
        "the a an my our your his her their this that these those "
        "some any every no der die das ein eine le la les un une il "
        "lo el los las una de het een"
    )
)
# Words that, a few words before a number, say it is a phone number. Many are stop words
# ("call", "back"), which Presidio's context enhancer never sees, so phone recognizers
# look for them themselves (see ``cue_before``).
PHONE_CUES = frozenset(
    words("""
call called calling calls callback phone phoned phones telephone tel tél ph ring rang reach
reached reachable text texted sms whatsapp mobile mob cell cellphone fax dial dialled dialed
hotline contact voicemail landline telefon telefonnummer handy mobil mobilnummer rückruf
zurückrufen anrufen angerufen erreichbar unter durchwahl téléphone portable appeler rappeler
appelé joindre fixe telefono cellulare chiamare chiamato richiamare contattare teléfono
móvil movil llamar llamó llamada celular telefoon mobiel bel bellen belde gebeld
terugbellen
""")
)
# Nouns of numbers that are no phone numbers: "call about order 41698905".
OTHER_NUMBERS = frozenset(
    words("""
order orders auftrag bestellung bestelling ordine pedido commande invoice rechnung factura
fattura factuur facture case ticket ref reference policy account acct po so id tracking sku
item vorgang dossier pratica expediente lot batch serial version build room flight
""")
)
# Words right after a number that say it is a phone number: "0612345678 (mobile)".
PHONE_AFTER = frozenset(
    words("""
mobile cell cellphone phone tel fax home work office landline handy mobil privat büro
portable fixe cellulare móvil movil mobiel
""")
)
CARD_CUES = frozenset(
    words("""
card cards credit debit visa mastercard maestro amex cc cardholder kreditkarte karte
carte tarjeta carta kaart creditcard pan
""")
)
# Top-level domains a URL without a scheme must end with: "B.Sc", "Univ.Prof" and
# "it.so" (a missing space) are no web addresses.
TLDS = frozenset(
    words("""
com net org edu gov mil int info biz name pro io co ai app dev me tv xyz online site shop
store tech cloud blog news uk de fr it es nl be at ch dk se no fi pl pt ie eu us ca au nz jp
cn in br mx ru cz gr hu ro sk si hr bg lt lv ee lu is tr il za ar cl kr sg hk tw
""")
)
