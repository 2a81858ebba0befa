"""Send a statement to the customer: an email with the PDF attached, queued in the outbox."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from policy_service.domain.money import to_wire
from policy_service.services.credit.customers import get_customer
from policy_service.services.errors import Invalid
from policy_service.services.outbox import messages
from policy_service.services.receivables import statement_pdf
from policy_service.services.receivables.aging import customer_buckets
from policy_service.services.receivables.statement import Period, body, checked, statement_of
from policy_service.services.unit_of_work import UnitOfWork


def send_statement(uow: UnitOfWork, period: Period, actor: str) -> dict[str, Any]:
    """Queue the statement's email (PDF attached) to the customer's address; 202's body."""
    checked(period)
    with uow:
        session = uow.session
        customer = get_customer(session, period.customer_id)
        if not customer.email:
            raise Invalid(f"customer {customer.id} has no email address to send a statement to",
                          fields={"email": ["missing"]})
        folded = statement_of(session, period)
        document = body(customer, folded, customer_buckets(session, customer.id, period.end))
        span = f"{document['from']} – {document['to']}"
        closing = statement_pdf.money(to_wire(folded.closing), customer.currency)
        text = {
            "zh": f"尊敬的 {customer.name}：附件为贵司 {span} 的对账单，期末余额 {closing}。"
                  "如有疑问请与我们联系。",
            "en": f"Dear {customer.name}, attached is your statement of account for {span}; "
                  f"the closing balance is {closing}. Please contact us with any question.",
        }
        message = messages.enqueue(session, customer, f"statement:{customer.id}:{uuid4().hex}",
                                   "email", f"对账单 / Statement {customer.id} {span}", text)
        filename = f"statement-{customer.id}-{document['from']}-{document['to']}.pdf"
        messages.attach(session, message, filename, "application/pdf",
                        statement_pdf.render(document))
        uow.commit()
        return {"message_id": message.id, "status": message.status, "channel": "email",
                "recipient": message.recipient, "attachment": filename,
                "queued_by": actor, "from": document["from"], "to": document["to"]}
