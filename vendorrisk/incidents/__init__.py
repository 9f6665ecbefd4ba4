"""Security incidents at partner firms: what happened, the client data involved, containment,
and the notifications the company itself owes (regulator, affected clients) with their
deadlines."""
