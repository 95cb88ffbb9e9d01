-- schemareg 0.1.0 -> 0.2.0. Every change to the SQL surface since the 0.1.0
-- release, in the order of extension/sql/; tests/upgrade checks that a
-- database updated with this script equals a fresh 0.2.0 install.
\echo Use "ALTER EXTENSION schemareg UPDATE TO '0.2.0'" to load this file. \quit
