WITH RECURSIVE chain (id, name, title, manager_id, depth, path) AS (
    SELECT id, name, title, manager_id, 0, name
    FROM employees
    WHERE manager_id IS NULL
    UNION ALL
    SELECT e.id, e.name, e.title, e.manager_id, c.depth + 1, c.path || ' > ' || e.name
    FROM employees e
    JOIN chain c ON e.manager_id = c.id
)
SELECT depth, name, title, path
FROM chain
ORDER BY path
