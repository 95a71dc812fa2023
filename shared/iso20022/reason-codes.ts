// ISO external status reason codes seen in credit transfer status reports (pain.002), with our own short
// explanations in English and Estonian and what the user can do: fix and resubmit, give up (final), or
// retry later. Unknown codes degrade to a generic "final" description that keeps the code.

import type { ReasonClass, ReasonDescription } from './types.ts';

type Entry = readonly [ReasonClass, string, string];

const CATALOGUE: Readonly<Record<string, Entry>> = {
  AB05: [
    'retry-later',
    "The recipient's bank did not answer in time.",
    'Saaja pank ei vastanud õigeaegselt.',
  ],
  AB06: [
    'retry-later',
    'A bank in the chain did not answer in time.',
    'Vahendav pank ei vastanud õigeaegselt.',
  ],
  AB07: [
    'retry-later',
    "The recipient's bank is temporarily offline.",
    'Saaja pank on ajutiselt kättesaamatu.',
  ],
  AB08: [
    'retry-later',
    'A bank in the chain is temporarily offline.',
    'Vahendav pank on ajutiselt kättesaamatu.',
  ],
  AB09: ['retry-later', "The recipient's bank reported an error.", 'Saaja pank teatas veast.'],
  AB10: ['retry-later', 'A bank in the chain reported an error.', 'Vahendav pank teatas veast.'],
  AC01: ['fix-and-resubmit', 'The account number is wrong.', 'Kontonumber on vale.'],
  AC02: ['fix-and-resubmit', 'The payer account number is invalid.', 'Maksja kontonumber on vigane.'],
  AC03: ['fix-and-resubmit', 'The recipient account number is invalid.', 'Saaja kontonumber on vigane.'],
  AC04: [
    'fix-and-resubmit',
    "The recipient's account is closed; ask for a new account number.",
    'Saaja konto on suletud; küsige uut kontonumbrit.',
  ],
  AC05: ['final', 'The payer account is closed.', 'Maksja konto on suletud.'],
  AC06: ['final', 'The account is blocked.', 'Konto on blokeeritud.'],
  AC13: [
    'fix-and-resubmit',
    'The payer account type is not valid for this payment.',
    'Maksja konto tüüp ei sobi selle makse jaoks.',
  ],
  AG01: [
    'final',
    'This kind of payment is not allowed from this account.',
    'Seda tüüpi makse pole sellelt kontolt lubatud.',
  ],
  AG02: ['fix-and-resubmit', 'The payment type code is invalid.', 'Makse tüübi kood on vigane.'],
  AG03: ['final', 'The bank does not support this kind of payment.', 'Pank ei toeta seda tüüpi makset.'],
  AM01: ['fix-and-resubmit', 'The amount is zero.', 'Summa on null.'],
  AM02: ['fix-and-resubmit', 'The amount is above the allowed maximum.', 'Summa ületab lubatud piiri.'],
  AM03: ['fix-and-resubmit', 'The currency is not allowed.', 'Valuuta pole lubatud.'],
  AM04: ['retry-later', 'Insufficient funds on the payer account.', 'Maksja kontol pole piisavalt raha.'],
  AM05: ['final', 'The payment is a duplicate.', 'Makse on topelt.'],
  AM06: ['fix-and-resubmit', 'The amount is too low.', 'Summa on liiga väike.'],
  AM07: ['final', 'The amount is blocked.', 'Summa on blokeeritud.'],
  AM09: ['fix-and-resubmit', 'The amount is not the agreed amount.', 'Summa ei vasta kokkulepitule.'],
  AM10: ['fix-and-resubmit', 'The control sum of the file is wrong.', 'Faili kontrollsumma on vale.'],
  AM12: ['fix-and-resubmit', 'The amount is invalid.', 'Summa on vigane.'],
  AM14: [
    'fix-and-resubmit',
    'The amount exceeds the limit agreed with the bank.',
    'Summa ületab pangaga kokkulepitud limiidi.',
  ],
  AM18: [
    'fix-and-resubmit',
    'The number of transactions in the file is wrong.',
    'Failis olevate tehingute arv on vale.',
  ],
  BE01: [
    'fix-and-resubmit',
    'The recipient name does not match the account.',
    'Saaja nimi ei vasta kontole.',
  ],
  BE04: [
    'fix-and-resubmit',
    'The recipient address is missing or wrong.',
    'Saaja aadress puudub või on vale.',
  ],
  BE05: [
    'fix-and-resubmit',
    'The bank does not recognise the initiating party.',
    'Pank ei tunne maksete algatajat.',
  ],
  BE06: ['fix-and-resubmit', 'The bank does not know the end customer.', 'Pank ei tunne lõppklienti.'],
  BE07: ['fix-and-resubmit', 'The payer address is missing or wrong.', 'Maksja aadress puudub või on vale.'],
  CH16: [
    'fix-and-resubmit',
    'A field has content the bank does not accept.',
    'Mõne välja sisu pole pangale sobiv.',
  ],
  CNOR: [
    'fix-and-resubmit',
    "The recipient's bank cannot be reached for this payment type (try a regular SEPA payment).",
    'Saaja pank pole selle makseliigi jaoks kättesaadav (proovige tavalist SEPA makset).',
  ],
  CUST: ['final', 'Cancelled at the customer’s request.', 'Tühistatud kliendi soovil.'],
  DNOR: [
    'final',
    "The payer's bank cannot be reached for this payment type.",
    'Maksja pank pole selle makseliigi jaoks kättesaadav.',
  ],
  DS02: ['final', 'The order was cancelled by an authorised signer.', 'Volitatud isik tühistas korralduse.'],
  DT01: [
    'fix-and-resubmit',
    'The date is invalid (e.g. execution date in the past).',
    'Kuupäev on vigane (nt täitmise kuupäev on möödas).',
  ],
  DUPL: ['final', 'The payment was already sent (duplicate).', 'Makse on juba saadetud (topelt).'],
  ED05: ['retry-later', 'Settlement failed.', 'Arveldus ebaõnnestus.'],
  FF01: ['fix-and-resubmit', 'The file format is invalid.', 'Faili vorming on vigane.'],
  FF05: ['fix-and-resubmit', 'The local instrument code is invalid.', 'Kohaliku makseviisi kood on vigane.'],
  FOCR: ['final', 'Returned after a cancellation request.', 'Tagastatud tühistamistaotluse järel.'],
  FRAD: ['final', 'Suspected fraud.', 'Kahtlus pettusele.'],
  MD01: ['final', 'No mandate for this payment.', 'Makse jaoks puudub volitus.'],
  MD06: ['final', 'Refund requested by the payer.', 'Maksja nõudis raha tagasi.'],
  MD07: ['final', 'The account holder is deceased.', 'Konto omanik on surnud.'],
  MS02: ['final', 'Refused by the recipient (no reason given).', 'Saaja keeldus (põhjust ei antud).'],
  MS03: ['final', 'Refused by a bank (no reason given).', 'Pank keeldus (põhjust ei antud).'],
  NARR: ['final', 'See the bank’s explanation.', 'Vaadake panga selgitust.'],
  NOAS: ['final', 'The recipient did not respond.', 'Saaja ei vastanud.'],
  RC01: ['fix-and-resubmit', 'The bank identifier (BIC) is wrong.', 'Panga tunnus (BIC) on vale.'],
  RR01: [
    'fix-and-resubmit',
    'The payer account or identification is missing (regulatory).',
    'Maksja konto või isikutunnus puudub (regulatiivne nõue).',
  ],
  RR02: [
    'fix-and-resubmit',
    'The payer name or address is missing (regulatory).',
    'Maksja nimi või aadress puudub (regulatiivne nõue).',
  ],
  RR03: [
    'fix-and-resubmit',
    'The recipient name or address is missing (regulatory).',
    'Saaja nimi või aadress puudub (regulatiivne nõue).',
  ],
  RR04: ['final', 'Refused for regulatory reasons.', 'Tagasi lükatud regulatiivsetel põhjustel.'],
  RR05: ['fix-and-resubmit', 'Regulatory information is invalid.', 'Regulatiivne teave on vigane.'],
  RR09: ['fix-and-resubmit', 'The structured reference is invalid.', 'Viitenumber on vigane.'],
  TM01: [
    'retry-later',
    'Received after the cut-off time; resend for the next business day.',
    'Saabus pärast päeva lõppaega; saatke järgmiseks pangapäevaks uuesti.',
  ],
};

/** Codes with a catalogue entry, sorted. */
export const reasonCodes: readonly string[] = Object.keys(CATALOGUE).sort();

/** Describes a reason code; unknown codes get a generic `final` text that names the code. */
export function describeReason(code: string): ReasonDescription {
  const normalized = code.trim().toUpperCase();
  const entry = CATALOGUE[normalized];
  if (entry) return { code: normalized, class: entry[0], en: entry[1], et: entry[2], known: true };
  return {
    code: normalized,
    class: 'final',
    en: `The bank refused the payment with code ${normalized || '(none)'}.`,
    et: `Pank lükkas makse tagasi koodiga ${normalized || '(puudub)'}.`,
    known: false,
  };
}
