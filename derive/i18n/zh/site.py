"""Site-wide Chinese: text shared by several pages (labels the checker and templates use)."""
ZH: dict[str, str] = {
    # the location label of the example claim in the `derive new` skeleton
    "example claim": "示例论断",
}
