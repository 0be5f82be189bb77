"""WTForms (Flask-WTF): `fields` is the shared kit, then one module per area, named as its blueprint in views/."""
