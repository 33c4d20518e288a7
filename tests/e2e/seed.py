"""Data written straight into the live server's database, for tests that start after sign-up."""
from dataclasses import dataclass

from webapp.models import Account, AttachmentRequest, Membership, Role, Structure, utcnow
from webapp.account.password_reset import PURPOSE as RESET_PURPOSE
from webapp.credentials import hash_password, hours, issue_token

PASSWORD = "Horizon#Velours42"


@dataclass
class Seeded:
    manager_email: str
    requester_email: str
    structure_id: int
    request_id: int
    activation_token: str
    reset_token: str


def account(email, first, last, active=True, admin=False):
    return Account.create(
        email=email, first_name=first, last_name=last, contact_email=email, terms_accepted_at=utcnow(),
        password_hash=hash_password(PASSWORD) if active else None, secret_question="first_pet",
        secret_answer_hash=hash_password("medor"), is_active=active, is_admin=admin,
        activated_at=utcnow() if active else None,
    )


def seed_structure_with_request(app, admin=True):
    """An active principal manager (portal administrator too), a structure, a pending request."""
    from webapp.extensions import db

    with app.app_context(), db.connection_context():
        manager = account("manager@example.fr", "Alice", "Martin", admin=admin)
        structure = Structure.create(
            identifier_type="SIRET", identifier="90110001600012", company_name="ATELIERS DU LAMPADAIRE BLEU",
            address_line="12 BIS AVENUE DES LILAS", postcode="75012", city="PARIS", structure_type="company",
        )
        Membership.create(account=manager, structure=structure, role=Role.PRINCIPAL_MANAGER)
        requester = account("bruno@example.fr", "Bruno", "Durand", active=False)
        attachment = AttachmentRequest.create(account=requester, structure=structure)
        newcomer = account("newcomer@example.fr", "Chloé", "Petit", active=False)
        return Seeded(
            manager.email, requester.email, structure.id, attachment.id,
            issue_token(newcomer, "activation", hours(24)), issue_token(manager, RESET_PURPOSE, hours(1)),
        )


def sign_in(page, email, password=PASSWORD):
    page.goto("/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    page.locator("#password").press("Enter")
    page.wait_for_url("**/mon-compte**")
