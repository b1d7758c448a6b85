"""Site-wide Chinese: text shared by several pages (labels the checker and templates use)."""
ZH: dict[str, str] = {}
