/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The Funnel module's hand-built history, shared by test-funnel and
 * test-cli-funnel: every number the tests expect is worked out from it. */

/* The fixture.
 *
 * Product 1 "Консалтинг" (audience Производство), its funnel:
 *   1 Знакомство   open   10 %  stuck after 10 days
 *   2 Интерес      open   30 %
 *   3 Предложение  open   50 %  stuck after 5 days
 *   4 Договор      won   100 %
 *   5 Пауза        paused  0 %  stuck after 30 days
 *   6 Отказ        lost    0 %
 * Its sales (day n = B + n days; amounts in kopecks):
 *   S1 Альфа, ivan, 100000, day 0:   1 → 2 (10) → 3 (20) → 4 (30), won
 *   S2 Бета,  ivan, 200000, day 0:   1 → 2 (5) → 3 (15) → back to 2 (25)
 *   S3 Гамма, olga, 300000, day 2:   1 → 2 (12) → 6 (22), lost
 *   S4 Дельта, olga, 400000, day 3:  1 → 5 (13), paused → 2 (40)
 *   S5 Альфа, olga, 500000, day 50:  1
 *   S6 Эпсилон, ivan, 600000, day 60: 1 → 3 (61, skipping 2) → 5 (70), paused
 *   S7 Бета,  olga, 700000, day 100: 1 → 6 (104), lost
 * Product 2 "Аудит" (Производство): 7 Знакомство open 20 %, 8 Договор won,
 *   9 Отказ lost; S8 Бета, ivan, 800000, day 5: 7 → 8 (20), won;
 *   S9 Гамма, olga, 900000, day 6: 7.
 * Product 3 "Архив" (Производство), inactive: stage 10; no sales.
 * Product 4 "Налоги" (Торговля): stage 11 Анализ; no sales.
 * Clients: Альфа, Бета (Производство), Гамма, Дельта (Торговля), Эпсилон
 * (none).  Tasks (test-funnel adds them): ivan has one planned task
 * overdue on S2 and one due in five days; olga has a planned task on S4
 * due on day 1 (overdue), one on S4 done on day 4, and a planned one on S9
 * due on day 6 (overdue). */
static const char fixture_sql[] =
  "INSERT INTO users (id, login, full_name, role, created_at) VALUES"
  " (1, 'admin', 'Анна Админова', 'admin', 1735689600),"
  " (2, 'ivan', 'Иван Петров', 'sales', 1735689600),"
  " (3, 'olga', 'Ольга Смирнова', 'sales', 1735689600);"
  "INSERT INTO audiences (id, name) VALUES (1, 'Производство'), (2, 'Торговля');"
  "INSERT INTO clients (id, name, audience_id, created_at) VALUES"
  " (1, 'Альфа', 1, 1735689600), (2, 'Бета', 1, 1735689600), (3, 'Гамма', 2, 1735689600),"
  " (4, 'Дельта', 2, 1735689600), (5, 'Эпсилон', NULL, 1735689600);"
  "INSERT INTO products (id, name, audience_id, active, created_at) VALUES"
  " (1, 'Консалтинг', 1, 1, 1735689600), (2, 'Аудит', 1, 1, 1735689600),"
  " (3, 'Архив', 1, 0, 1735689600), (4, 'Налоги', 2, 1, 1735689600);"
  "INSERT INTO stages (id, product_id, position, name, kind, probability, stuck_days) VALUES"
  " (1, 1, 0, 'Знакомство', 'open', 10, 10),"
  " (2, 1, 1, 'Интерес', 'open', 30, NULL),"
  " (3, 1, 2, 'Предложение', 'open', 50, 5),"
  " (4, 1, 3, 'Договор', 'won', 100, NULL),"
  " (5, 1, 4, 'Пауза', 'paused', 0, 30),"
  " (6, 1, 5, 'Отказ', 'lost', 0, NULL),"
  " (7, 2, 0, 'Знакомство', 'open', 20, NULL),"
  " (8, 2, 1, 'Договор', 'won', 100, NULL),"
  " (9, 2, 2, 'Отказ', 'lost', 0, NULL),"
  " (10, 3, 0, 'Старт', 'open', 0, NULL),"
  " (11, 4, 0, 'Анализ', 'open', 0, NULL);"
  /* The sales stand where their last move took them. */
  "INSERT INTO sales (id, client_id, product_id, stage_id, owner_id, amount, stage_entered_at, closed_at, created_at) VALUES"
  " (1, 1, 1, 4, 2, 100000, 1735689600 + 30 * 86400, 1735689600 + 30 * 86400, 1735689600),"
  " (2, 2, 1, 2, 2, 200000, 1735689600 + 25 * 86400, NULL, 1735689600),"
  " (3, 3, 1, 6, 3, 300000, 1735689600 + 22 * 86400, 1735689600 + 22 * 86400, 1735689600 + 2 * 86400),"
  " (4, 4, 1, 2, 3, 400000, 1735689600 + 40 * 86400, NULL, 1735689600 + 3 * 86400),"
  " (5, 1, 1, 1, 3, 500000, 1735689600 + 50 * 86400, NULL, 1735689600 + 50 * 86400),"
  " (6, 5, 1, 5, 2, 600000, 1735689600 + 70 * 86400, NULL, 1735689600 + 60 * 86400),"
  " (7, 2, 1, 6, 3, 700000, 1735689600 + 104 * 86400, 1735689600 + 104 * 86400, 1735689600 + 100 * 86400),"
  " (8, 2, 2, 8, 2, 800000, 1735689600 + 20 * 86400, 1735689600 + 20 * 86400, 1735689600 + 5 * 86400),"
  " (9, 3, 2, 7, 3, 900000, 1735689600 + 6 * 86400, NULL, 1735689600 + 6 * 86400);"
  /* Their moves, each sale's in order: the trigger keeps the intervals. */
  "INSERT INTO stage_changes (sale_id, from_stage_id, to_stage_id, user_id, at) VALUES"
  " (1, NULL, 1, 2, 1735689600), (1, 1, 2, 2, 1735689600 + 10 * 86400),"
  " (1, 2, 3, 2, 1735689600 + 20 * 86400), (1, 3, 4, 2, 1735689600 + 30 * 86400),"
  " (2, NULL, 1, 2, 1735689600), (2, 1, 2, 2, 1735689600 + 5 * 86400),"
  " (2, 2, 3, 2, 1735689600 + 15 * 86400), (2, 3, 2, 2, 1735689600 + 25 * 86400),"
  " (3, NULL, 1, 3, 1735689600 + 2 * 86400), (3, 1, 2, 3, 1735689600 + 12 * 86400),"
  " (3, 2, 6, 3, 1735689600 + 22 * 86400),"
  " (4, NULL, 1, 3, 1735689600 + 3 * 86400), (4, 1, 5, 3, 1735689600 + 13 * 86400),"
  " (4, 5, 2, 3, 1735689600 + 40 * 86400),"
  " (5, NULL, 1, 3, 1735689600 + 50 * 86400),"
  " (6, NULL, 1, 2, 1735689600 + 60 * 86400), (6, 1, 3, 2, 1735689600 + 61 * 86400),"
  " (6, 3, 5, 2, 1735689600 + 70 * 86400),"
  " (7, NULL, 1, 3, 1735689600 + 100 * 86400), (7, 1, 6, 3, 1735689600 + 104 * 86400),"
  " (8, NULL, 7, 2, 1735689600 + 5 * 86400), (8, 7, 8, 2, 1735689600 + 20 * 86400),"
  " (9, NULL, 7, 3, 1735689600 + 6 * 86400);";
