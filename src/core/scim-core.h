/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "scim-demo.h"
#include "scim-format.h"
#include "scim-events.h"
#include "scim-fs.h"
#include "scim-funnel-template.h"
#include "scim-password.h"
#include "scim-query.h"
#include "scim-record.h"
#include "scim-record-list.h"
#include "scim-records.h"
#include "scim-secrets.h"
#include "scim-leads.h"
#include "scim-sales.h"
#include "scim-settings.h"
#include "scim-store.h"
#include "scim-users.h"
