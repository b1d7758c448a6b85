"""Chinese catalogs: one module per derivation (``ZH = {English: 中文}``) and ``site`` for shared text."""
