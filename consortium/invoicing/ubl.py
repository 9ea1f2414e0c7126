"""The Peppol BIS Billing 3.0 document of an issued invoice or credit note: UBL 2.1 written with
lxml, element by element in the order the OASIS schema wants, with the rules of CEN EN 16931
and OpenPeppol (the Swedish SE-R and Norwegian NO-R rules included) in mind. The test suite runs
the official rule files over every kind of document made here (tests/peppol).

Pure: reads the issued record (its lines and the parties as they were on the day of issue) and
returns bytes; it never reads the database or the clock."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from consortium.invoicing import identifiers as ids
from consortium.money import to_api

CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
ROOTS = {"invoice": ("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"),
         "credit_note": ("CreditNote",
                         "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2")}
UNIT = "EA"  # each (UN/ECE recommendation 20)


@dataclass(frozen=True)
class Line:
    text: str
    amount: int  # öre; negative for a credit line
    vat_category: str  # S, E or O
    vat_rate: int | None  # percent; None for O
    exemption_reason: str = ""


@dataclass(frozen=True)
class VatGroup:
    category: str
    rate: int | None
    taxable: int
    vat: int
    exemption_reason: str


def vat_of(taxable: int, rate: int | None) -> int:
    """The VAT of a category's sum, rounded half up to the öre (as EN 16931's round(): toward
    plus infinity at the half, for negative sums too)."""
    if not rate:
        return 0
    return (taxable * rate * 2 + 100) // 200


def vat_groups(lines: list[Line]) -> list[VatGroup]:
    """The VAT breakdown: one group per category and rate, VAT on the group's sum."""
    sums: dict[tuple[str, int | None], int] = defaultdict(int)
    reasons: dict[tuple[str, int | None], list[str]] = defaultdict(list)
    for line in lines:
        key = (line.vat_category, line.vat_rate)
        sums[key] += line.amount
        if line.exemption_reason and line.exemption_reason not in reasons[key]:
            reasons[key].append(line.exemption_reason)
    order = {"S": 0, "E": 1, "O": 2}
    keys = sorted(sums, key=lambda key: (order.get(key[0], 9), -(key[1] or 0)))
    return [VatGroup(category, rate, sums[(category, rate)],
                     vat_of(sums[(category, rate)], rate), "; ".join(reasons[(category, rate)]))
            for category, rate in keys]


@dataclass(frozen=True)
class Document:
    """What the document says, taken from the issued record."""

    kind: str  # invoice or credit_note
    number: str
    issue_date: date
    due_date: date | None
    currency: str
    buyer_reference: str
    ocr: str
    year: int
    seller: dict[str, Any]
    buyer: dict[str, Any]
    lines: list[Line]
    note: str = ""
    payment_terms: str = ""
    credits: tuple[str, date] | None = None  # the credited invoice: number and issue date


def _el(parent: Any, ns: str, tag: str, text: str | None = None, **attrs: str) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _cbc(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
    return _el(parent, CBC, tag, text, **attrs)


def _cac(parent: Any, tag: str) -> Any:
    return _el(parent, CAC, tag)


def _endpoint(peppol_id: str) -> tuple[str, str]:
    scheme, _sep, value = peppol_id.partition(":")
    return scheme, value


def _address(party: Any, data: dict[str, Any]) -> None:
    address = _cac(party, "PostalAddress")
    if data.get("street"):
        _cbc(address, "StreetName", data["street"])
    if data.get("city"):
        _cbc(address, "CityName", data["city"])
    if data.get("postcode"):
        _cbc(address, "PostalZone", data["postcode"])
    _cbc(_cac(address, "Country"), "IdentificationCode", data["country"])


def _tax_scheme(parent: Any, company_id: str, scheme: str) -> None:
    tax = _cac(parent, "PartyTaxScheme")
    _cbc(tax, "CompanyID", company_id)
    _cbc(_cac(tax, "TaxScheme"), "ID", scheme)


def _seller(root: Any, seller: dict[str, Any], with_vat: bool) -> None:
    party = _cac(_cac(root, "AccountingSupplierParty"), "Party")
    scheme, value = _endpoint(seller["peppol_id"])
    _cbc(party, "EndpointID", value, schemeID=scheme)
    _cbc(_cac(party, "PartyName"), "Name", seller["legal_name"])
    _address(party, seller)
    if with_vat and seller.get("vat_number"):
        _tax_scheme(party, seller["vat_number"], "VAT")
    if seller.get("f_skatt"):
        _tax_scheme(party, "Foretaksregisteret" if seller["country"] == "NO"
                    else "Godkänd för F-skatt", "TAX")
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", seller["legal_name"])
    _cbc(legal, "CompanyID", ids.digits(seller["org_number"]))


def _buyer(root: Any, buyer: dict[str, Any]) -> None:
    party = _cac(_cac(root, "AccountingCustomerParty"), "Party")
    scheme, value = _endpoint(buyer["peppol_id"])
    _cbc(party, "EndpointID", value, schemeID=scheme)
    _cbc(_cac(party, "PartyIdentification"), "ID", value, schemeID=scheme)
    _cbc(_cac(party, "PartyName"), "Name", buyer["name"])
    _address(party, buyer)
    legal = _cac(party, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", buyer["name"])
    _cbc(legal, "CompanyID", ids.digits(buyer["org_number"]), schemeID=scheme)


def _payment_means(root: Any, doc: Document) -> None:
    seller = doc.seller
    accounts = [(ids.digits(seller[key]), branch) for key, branch in
                (("bankgiro", "SE:BANKGIRO"), ("plusgiro", "SE:PLUSGIRO")) if seller.get(key)]
    if seller.get("iban"):
        accounts.append((seller["iban"].replace(" ", "").upper(), seller.get("bic", "")))
    for account, branch in accounts:
        means = _cac(root, "PaymentMeans")
        _cbc(means, "PaymentMeansCode", "30", name="Credit transfer")
        _cbc(means, "PaymentID", doc.ocr)
        payee = _cac(means, "PayeeFinancialAccount")
        _cbc(payee, "ID", account)
        if branch:
            _cbc(_cac(payee, "FinancialInstitutionBranch"), "ID", branch)


def _money(parent: Any, tag: str, ore: int, currency: str) -> None:
    _cbc(parent, tag, to_api(ore), currencyID=currency)


def _category(parent: Any, tag: str, category: str, rate: int | None,
              reason: str = "") -> None:
    tax = _cac(parent, tag)
    _cbc(tax, "ID", category)
    if category != "O":
        _cbc(tax, "Percent", str(rate or 0))
    if reason and tag == "TaxCategory" and category in ("E", "O"):
        _cbc(tax, "TaxExemptionReason", reason)
    _cbc(_cac(tax, "TaxScheme"), "ID", "VAT")


def document(doc: Document) -> bytes:
    """The UBL document, UTF-8 with an XML declaration."""
    name, ns = ROOTS[doc.kind]
    invoice = doc.kind == "invoice"
    root = etree.Element(f"{{{ns}}}{name}", nsmap={None: ns, "cac": CAC, "cbc": CBC})
    _cbc(root, "CustomizationID", CUSTOMIZATION)
    _cbc(root, "ProfileID", PROFILE)
    _cbc(root, "ID", doc.number)
    _cbc(root, "IssueDate", doc.issue_date.isoformat())
    if invoice and doc.due_date is not None:
        _cbc(root, "DueDate", doc.due_date.isoformat())
    _cbc(root, "InvoiceTypeCode" if invoice else "CreditNoteTypeCode",
         "380" if invoice else "381")
    if doc.note:
        _cbc(root, "Note", doc.note)
    _cbc(root, "DocumentCurrencyCode", doc.currency)
    _cbc(root, "BuyerReference", doc.buyer_reference)
    period = _cac(root, "InvoicePeriod")
    _cbc(period, "StartDate", date(doc.year, 1, 1).isoformat())
    _cbc(period, "EndDate", date(doc.year, 12, 31).isoformat())
    if doc.credits is not None:
        reference = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(reference, "ID", doc.credits[0])
        _cbc(reference, "IssueDate", doc.credits[1].isoformat())
    groups = vat_groups(doc.lines)
    _seller(root, doc.seller, with_vat=any(g.category != "O" for g in groups))
    _buyer(root, doc.buyer)
    if invoice:
        _payment_means(root, doc)
        if doc.payment_terms:
            _cbc(_cac(root, "PaymentTerms"), "Note", doc.payment_terms)
    net = sum(line.amount for line in doc.lines)
    vat = sum(group.vat for group in groups)
    total = _cac(root, "TaxTotal")
    _money(total, "TaxAmount", vat, doc.currency)
    for group in groups:
        subtotal = _cac(total, "TaxSubtotal")
        _money(subtotal, "TaxableAmount", group.taxable, doc.currency)
        _money(subtotal, "TaxAmount", group.vat, doc.currency)
        _category(subtotal, "TaxCategory", group.category, group.rate,
                  group.exemption_reason or ("Not subject to VAT" if group.category == "O"
                                             else "Exempt from VAT"))
    sums = _cac(root, "LegalMonetaryTotal")
    _money(sums, "LineExtensionAmount", net, doc.currency)
    _money(sums, "TaxExclusiveAmount", net, doc.currency)
    _money(sums, "TaxInclusiveAmount", net + vat, doc.currency)
    _money(sums, "PayableAmount", net + vat, doc.currency)
    for position, line in enumerate(doc.lines, start=1):
        row = _cac(root, "InvoiceLine" if invoice else "CreditNoteLine")
        _cbc(row, "ID", str(position))
        _cbc(row, "InvoicedQuantity" if invoice else "CreditedQuantity",
             "-1" if line.amount < 0 else "1", unitCode=UNIT)
        _money(row, "LineExtensionAmount", line.amount, doc.currency)
        item = _cac(row, "Item")
        _cbc(item, "Name", line.text)
        _category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
        _money(_cac(row, "Price"), "PriceAmount", abs(line.amount), doc.currency)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                pretty_print=True))
