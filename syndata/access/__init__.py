"""Access to the service: API keys, their roles, and the projects that scope them.

- ``projects``: project names, the default and server-admin projects, the naming rule.
- ``keys``: ``KeyStore``, the API keys (stored hashed) with their role and project; it
  audits the creation and revocation of keys.

Import from the modules (``syndata.access.keys``); this package stays light, so naming
a project does not load the key store.
"""
