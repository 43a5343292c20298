"""The portal's three data generators, together, each labelled wherever its data is shown:

- `demo`: demonstration data on top of the real reference data (hubs, offers, vacancies, partnerships)
  and one demo login per role (`manage.py load_demo_data`);
- `synthetic`: England-scale generated vacancies and course offers on the real geography
  (`manage.py generate_synthetic`);
- `benchmark`: a generated geography (regions, boards, colleges, standards, occupations, routes) for
  benchmarks that start from an empty database (bench/).
"""
