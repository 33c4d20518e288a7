"""A relying party in a dozen lines (Authlib's Flask client): signs in through the portal, shows the claims.
Started by `bash examples/relying_party/run` (README, "Integrating your platform")."""
import json
import os

from authlib.integrations.flask_client import OAuth
from flask import Flask, redirect, session, url_for
from markupsafe import escape

app = Flask(__name__)
app.config["SESSION_COOKIE_NAME"] = "demo_rp_session"  # the portal on the same host uses "session"
app.secret_key = os.environ.get("RP_SECRET_KEY") or os.urandom(32)
oauth = OAuth(app)
oauth.register(
    "portal", client_id=os.environ["RP_CLIENT_ID"], client_secret=os.environ["RP_CLIENT_SECRET"],
    server_metadata_url=os.environ.get("PORTAL_URL", "http://127.0.0.1:5000") + "/.well-known/openid-configuration",
    client_kwargs={"scope": "openid profile email structures", "code_challenge_method": "S256"},
)


@app.get("/")
def home():
    if "claims" not in session:
        return '<h1>Demo relying party</h1><p><a href="/login">Sign in with the portal</a></p>'
    return f"<h1>Signed in</h1><pre id=claims>{escape(json.dumps(session['claims'], indent=2, ensure_ascii=False))}</pre>"


@app.get("/login")
def login():
    return oauth.portal.authorize_redirect(url_for("callback", _external=True))


@app.get("/callback")
def callback():
    token = oauth.portal.authorize_access_token()  # checks state, PKCE, the ID token's signature and nonce
    session["claims"] = {"id_token": token["userinfo"], "userinfo": oauth.portal.userinfo(token=token)}
    return redirect("/")
