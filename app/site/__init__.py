"""The site for people: server-rendered HTML pages of the same facts the API answers, through
the same read model, read cache, ETags and versions (issue 21). No script, nothing from
another origin; pages mirror the API's paths without `/v1` and keep `as_of` and `lang` in
every link. Above `api` in the layers: it uses the API's parameters and answers."""
