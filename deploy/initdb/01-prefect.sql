-- Prefect keeps its own database beside parley's.
CREATE DATABASE prefect OWNER parley;
