-- role: support
-- attrs: region=north
-- dialect: postgres
-- expect: allow
-- why: a date column against times relative to now: a date of its own type moves inside the customers fence, a timestamptz leaves a looser copy cast to a date there and stays above; the answer is the filtered copy's.
SELECT id, name, birth_date
FROM customers
WHERE birth_date <= now() - interval '30 years'
  AND birth_date > current_date - 30000
ORDER BY id
