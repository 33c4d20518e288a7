"""One instance of each extension, initialised in create_app()."""
from flask_babel import Babel
from flask_mail import Mail
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from peewee import DatabaseProxy

db = DatabaseProxy()
csrf = CSRFProtect()
mail = Mail()
htmx = Htmx()
babel = Babel()
