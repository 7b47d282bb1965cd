
-- Indicator catalogue (issue 8) ----------------------------------------------
-- The Fujian future-community plan's three-level system (section 3.4):
-- 4 dimensions -> 12 domains -> 36 indicators, with provincial baselines (2023)
-- and stage targets (2025, 2028, 2035). Shipped rows are read-only (the guard
-- cp.protect_shipped of the standards part); local weights, baselines and
-- targets go to cp.indicator_local, which pg_dump keeps in full, and
-- cp.indicator_catalogue shows the effective values. User-added dimensions,
-- domains and indicators (shipped = false) are editable and dumped.

CREATE TABLE cp.indicator_dimensions (
  code     text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh  text NOT NULL,
  name_en  text NOT NULL,
  weight   float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  source   text NOT NULL,
  shipped  boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE cp.indicator_dimensions IS 'First level of the indicator system: the four dimensions 宜居性, 智慧性, 韧性, 人文性 (plan section 3.4)';
COMMENT ON COLUMN cp.indicator_dimensions.code IS 'livability, smartness, resilience, humanity';
COMMENT ON COLUMN cp.indicator_dimensions.name_zh IS 'Chinese name';
COMMENT ON COLUMN cp.indicator_dimensions.name_en IS 'English name';
COMMENT ON COLUMN cp.indicator_dimensions.weight IS 'Relative weight in the overall score (normalised over all dimensions; the shipped four are 0.25 each)';
COMMENT ON COLUMN cp.indicator_dimensions.source IS 'Plan section';
COMMENT ON COLUMN cp.indicator_dimensions.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicator_domains (
  code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  dimension  text NOT NULL REFERENCES cp.indicator_dimensions (code) ON UPDATE CASCADE,
  name_zh    text NOT NULL,
  name_en    text NOT NULL,
  weight     float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  origin     text NOT NULL CHECK (origin IN ('plan', 'ours', 'user')),
  source     text NOT NULL,
  shipped    boolean NOT NULL DEFAULT false,
  UNIQUE (code, dimension)
);
COMMENT ON TABLE cp.indicator_domains IS 'Second level: the twelve domains (six named by plan section 3.4, six completed from section 4.2)';
COMMENT ON COLUMN cp.indicator_domains.code IS 'Domain code';
COMMENT ON COLUMN cp.indicator_domains.dimension IS 'Dimension the domain belongs to';
COMMENT ON COLUMN cp.indicator_domains.name_zh IS 'Chinese name';
COMMENT ON COLUMN cp.indicator_domains.name_en IS 'English name';
COMMENT ON COLUMN cp.indicator_domains.weight IS 'Relative weight within its dimension (normalised over the dimension''s domains; shipped: 1/3 each)';
COMMENT ON COLUMN cp.indicator_domains.origin IS 'plan: named by the plan; ours: completed by community_planning; user: added locally';
COMMENT ON COLUMN cp.indicator_domains.source IS 'Plan section';
COMMENT ON COLUMN cp.indicator_domains.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicators (
  code          text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]*$'),
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  dimension     text NOT NULL,
  domain        text NOT NULL,
  unit          text NOT NULL,
  direction     text NOT NULL CHECK (direction IN ('higher', 'lower')),
  weight        float8 NOT NULL CHECK (weight > 0 AND weight <= 1),
  core          boolean NOT NULL DEFAULT false,
  baseline      numeric,
  baseline_year int CHECK (baseline_year BETWEEN 2000 AND 2100),
  baseline_note text,
  target_2025   numeric,
  target_2028   numeric,
  target_2035   numeric,
  target_note   text,
  valid_min     numeric NOT NULL,
  valid_max     numeric NOT NULL,
  source        text NOT NULL,
  obtained      text NOT NULL CHECK (obtained IN ('computed', 'recorded')),
  origin        text NOT NULL CHECK (origin IN ('plan', 'ours', 'user')),
  measure       text,
  note          text,
  shipped       boolean NOT NULL DEFAULT false,
  FOREIGN KEY (domain, dimension) REFERENCES cp.indicator_domains (code, dimension) ON UPDATE CASCADE,
  CHECK (valid_min < valid_max),
  CHECK (baseline BETWEEN valid_min AND valid_max),
  CHECK (target_2025 BETWEEN valid_min AND valid_max),
  CHECK (target_2028 BETWEEN valid_min AND valid_max),
  CHECK (target_2035 BETWEEN valid_min AND valid_max),
  CHECK ((obtained = 'computed') = (measure IS NOT NULL))
);
COMMENT ON TABLE cp.indicators IS
  'Third level: the 36 indicators of the plan''s system, with baseline, stage targets (2025, 2028, 2035), valid range and how each is obtained';
COMMENT ON COLUMN cp.indicators.code IS 'Indicator code';
COMMENT ON COLUMN cp.indicators.name_zh IS 'Chinese name (the plan''s wording where it has one)';
COMMENT ON COLUMN cp.indicators.name_en IS 'English name';
COMMENT ON COLUMN cp.indicators.dimension IS 'livability, smartness, resilience or humanity';
COMMENT ON COLUMN cp.indicators.domain IS 'One of the twelve domains (cp.indicator_domains)';
COMMENT ON COLUMN cp.indicators.unit IS 'Unit of values, baseline and targets: % is 0..100';
COMMENT ON COLUMN cp.indicators.direction IS 'higher: higher is better and a target is a floor; lower: lower is better and a target is a ceiling';
COMMENT ON COLUMN cp.indicators.weight IS 'Relative weight within its domain (normalised over the domain''s indicators; shipped: 0.4 for the lead indicator, 0.3 for the two others)';
COMMENT ON COLUMN cp.indicators.core IS 'Core indicator written into city performance reviews (plan section 3.4)';
COMMENT ON COLUMN cp.indicators.baseline IS 'Provincial baseline (2023) where the plan gives one';
COMMENT ON COLUMN cp.indicators.baseline_year IS 'Year of the baseline';
COMMENT ON COLUMN cp.indicators.baseline_note IS 'National comparison, qualifiers (e.g. "below")';
COMMENT ON COLUMN cp.indicators.target_2025 IS 'Target of the pilot stage 2023–2025';
COMMENT ON COLUMN cp.indicators.target_2028 IS 'Target of the roll-out stage 2026–2028';
COMMENT ON COLUMN cp.indicators.target_2035 IS 'Target of the deepening stage 2029–2035';
COMMENT ON COLUMN cp.indicators.target_note IS 'The plan''s own wording and dates of the targets, and how they were placed in stages';
COMMENT ON COLUMN cp.indicators.valid_min IS 'Smallest value cp.indicator_values accepts';
COMMENT ON COLUMN cp.indicators.valid_max IS 'Largest value cp.indicator_values accepts';
COMMENT ON COLUMN cp.indicators.source IS 'Plan sections (or national guidance) the indicator and its figures come from';
COMMENT ON COLUMN cp.indicators.obtained IS 'computed: by this extension from spatial data; recorded: survey or administrative figure entered with date and source';
COMMENT ON COLUMN cp.indicators.origin IS 'plan: the plan names the indicator; ours: completed by community_planning from the plan''s text and national guidance; user: added locally';
COMMENT ON COLUMN cp.indicators.measure IS 'For computed indicators, the function or measure that computes them';
COMMENT ON COLUMN cp.indicators.note IS 'Caveats';
COMMENT ON COLUMN cp.indicators.shipped IS 'True for rows shipped with the extension (read-only, not dumped)';

CREATE TABLE cp.indicator_local (
  indicator    text PRIMARY KEY REFERENCES cp.indicators (code) ON UPDATE CASCADE ON DELETE CASCADE,
  weight       float8 CHECK (weight > 0 AND weight <= 1),
  baseline     numeric,
  baseline_year int CHECK (baseline_year BETWEEN 2000 AND 2100),
  target_2025  numeric,
  target_2028  numeric,
  target_2035  numeric,
  note         text,
  set_by       text NOT NULL DEFAULT current_user,
  set_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cp.indicator_local IS
  'Local settings that replace the shipped weight, baseline or targets of an indicator (NULL keeps the shipped value); dumped by pg_dump in full';
COMMENT ON COLUMN cp.indicator_local.indicator IS 'Indicator code';
COMMENT ON COLUMN cp.indicator_local.weight IS 'Local relative weight within the domain';
COMMENT ON COLUMN cp.indicator_local.baseline IS 'Local baseline';
COMMENT ON COLUMN cp.indicator_local.baseline_year IS 'Year of the local baseline';
COMMENT ON COLUMN cp.indicator_local.target_2025 IS 'Local target of the 2023–2025 stage';
COMMENT ON COLUMN cp.indicator_local.target_2028 IS 'Local target of the 2026–2028 stage';
COMMENT ON COLUMN cp.indicator_local.target_2035 IS 'Local target of the 2029–2035 stage';
COMMENT ON COLUMN cp.indicator_local.note IS 'Why the local value differs (decision, document)';
COMMENT ON COLUMN cp.indicator_local.set_by IS 'Who set it';
COMMENT ON COLUMN cp.indicator_local.set_at IS 'When it was set';

CREATE TABLE cp.indicator_values (
  community_id text NOT NULL CHECK (community_id <> ''),
  indicator    text NOT NULL REFERENCES cp.indicators (code) ON UPDATE CASCADE,
  period       date NOT NULL,
  value        numeric NOT NULL,
  source       text NOT NULL CHECK (source <> ''),
  inputs       jsonb,
  entered_by   text NOT NULL DEFAULT current_user,
  entered_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (community_id, indicator, period)
);
CREATE INDEX indicator_values_indicator_period ON cp.indicator_values (indicator, period);
COMMENT ON TABLE cp.indicator_values IS
  'Indicator values per community and period, recorded or computed; values outside the indicator''s valid range are rejected (SQLSTATE 22003)';
COMMENT ON COLUMN cp.indicator_values.community_id IS 'Community (or district, city, province) identifier as text: administrative codes keep leading zeros, OSM and numeric ids fit too';
COMMENT ON COLUMN cp.indicator_values.indicator IS 'Indicator code';
COMMENT ON COLUMN cp.indicator_values.period IS 'Reference date of the value (end of the period it describes); its year selects the plan stage';
COMMENT ON COLUMN cp.indicator_values.value IS 'Value in the indicator''s unit; a missing value is a missing row, never zero';
COMMENT ON COLUMN cp.indicator_values.source IS 'Where the value comes from: survey, department, or the computing function';
COMMENT ON COLUMN cp.indicator_values.inputs IS 'For computed values: the inputs that produced them (queries, network, standard)';
COMMENT ON COLUMN cp.indicator_values.entered_by IS 'Who entered the value';
COMMENT ON COLUMN cp.indicator_values.entered_at IS 'When it was entered';

CREATE VIEW cp.indicator_catalogue AS
WITH e AS (
  SELECT i.code, i.name_zh, i.name_en, i.dimension, i.domain, i.unit, i.direction,
         coalesce(l.weight, i.weight) AS weight, i.core,
         coalesce(l.baseline, i.baseline) AS baseline,
         CASE WHEN l.baseline IS NOT NULL THEN l.baseline_year ELSE i.baseline_year END AS baseline_year,
         coalesce(l.target_2025, i.target_2025) AS target_2025,
         coalesce(l.target_2028, i.target_2028) AS target_2028,
         coalesce(l.target_2035, i.target_2035) AS target_2035,
         i.valid_min, i.valid_max, i.source, i.obtained, i.origin, i.measure,
         d.weight AS domain_weight, m.weight AS dimension_weight,
         (l.indicator IS NOT NULL) AS local
    FROM cp.indicators i
    JOIN cp.indicator_domains d ON d.code = i.domain
    JOIN cp.indicator_dimensions m ON m.code = i.dimension
    LEFT JOIN cp.indicator_local l ON l.indicator = i.code
), s AS (
  SELECT e.*,
         e.weight / sum(e.weight) OVER (PARTITION BY e.domain) AS weight_in_domain,
         e.domain_weight / (SELECT sum(d.weight) FROM cp.indicator_domains d WHERE d.dimension = e.dimension) AS domain_in_dimension,
         e.dimension_weight / (SELECT sum(m.weight) FROM cp.indicator_dimensions m) AS dimension_in_total
    FROM e
)
SELECT s.*, s.weight_in_domain * s.domain_in_dimension * s.dimension_in_total AS weight_in_total
  FROM s;
COMMENT ON VIEW cp.indicator_catalogue IS
  'Effective indicator catalogue: shipped or user indicators with local weight, baseline and targets applied, and the weights of their domain and dimension';
COMMENT ON COLUMN cp.indicator_catalogue.local IS 'True when cp.indicator_local changes the row';
COMMENT ON COLUMN cp.indicator_catalogue.weight IS 'Effective raw weight (local or shipped)';
COMMENT ON COLUMN cp.indicator_catalogue.weight_in_domain IS 'Weight normalised within the domain: weight / sum of the domain''s weights';
COMMENT ON COLUMN cp.indicator_catalogue.domain_in_dimension IS 'Domain weight normalised within its dimension';
COMMENT ON COLUMN cp.indicator_catalogue.dimension_in_total IS 'Dimension weight normalised over all dimensions';
COMMENT ON COLUMN cp.indicator_catalogue.weight_in_total IS 'Share of the indicator in the overall score (product of the three normalised weights); sums to 1 over all indicators';

-- Shipped data ----------------------------------------------------------------
INSERT INTO cp.indicator_dimensions (code, name_zh, name_en, weight, source, shipped) VALUES
('livability', '宜居性', 'livability', 0.25, 'plan 3.1, 3.4', true),
('smartness',  '智慧性', 'smartness',  0.25, 'plan 3.1, 3.4', true),
('resilience', '韧性',   'resilience', 0.25, 'plan 3.1, 3.4', true),
('humanity',   '人文性', 'humanity',   0.25, 'plan 3.1, 3.4', true);

INSERT INTO cp.indicator_domains (code, dimension, name_zh, name_en, weight, origin, source, shipped) VALUES
('infrastructure',       'livability', '基础设施', 'infrastructure', 1/3.0, 'plan', 'plan 3.4 (named); 2.1, 4.2 道路管网', true),
('public_services',      'livability', '公共服务', 'public services', 1/3.0, 'plan', 'plan 3.4 (named); 4.2 公共服务', true),
('elderly_childcare',    'livability', '一老一小', 'elderly care and childcare', 1/3.0, 'ours', 'plan 2.2 "一老一小", 3.2, 8.2', true),
('smart_applications',   'smartness',  '智慧应用', 'smart applications', 1/3.0, 'plan', 'plan 3.4 (named); 2.4, 5.2 应用层', true),
('smart_infrastructure', 'smartness',  '智慧设施', 'smart infrastructure', 1/3.0, 'ours', 'plan 4.2 智慧设施子系统; 5.2 感知层, 平台层; 7.2', true),
('digital_trust',        'smartness',  '数字安全与适老', 'data security and digital inclusion', 1/3.0, 'ours', 'plan 2.4, 6.4', true),
('governance',           'resilience', '治理效能', 'governance effectiveness', 1/3.0, 'plan', 'plan 3.4 (named); 2.3, 4.2 治理体系', true),
('green_low_carbon',     'resilience', '绿色低碳', 'green and low-carbon', 1/3.0, 'plan', 'plan 3.4 (named); 3.1, 7.2', true),
('operation',            'resilience', '运营保障', 'sustainable operation', 1/3.0, 'ours', 'plan 4.2 运营体系; 6.2, 7.1, 7.3', true),
('cultural_heritage',    'humanity',   '文化传承', 'cultural heritage', 1/3.0, 'plan', 'plan 3.4 (named); 2.5, 5.4 历史文脉', true),
('cultural_activities',  'humanity',   '文化活动', 'cultural activities', 1/3.0, 'ours', 'plan 4.2 文化活动; 2.5', true),
('neighbourhood',        'humanity',   '邻里关系', 'neighbourhood and identity', 1/3.0, 'ours', 'plan 4.2 邻里关系; 2.5', true);

INSERT INTO cp.indicators (code, name_zh, name_en, dimension, domain, unit, direction, weight, core,
  baseline, baseline_year, baseline_note, target_2025, target_2028, target_2035, target_note,
  valid_min, valid_max, source, obtained, origin, measure, note, shipped) VALUES
-- livability / infrastructure
('parking_gap_rate', '城市社区停车位缺口率', 'urban community parking-space gap rate', 'livability', 'infrastructure', '%', 'lower', 0.4, false,
 38, 2023, 'Core districts of Xiamen and Quanzhou above 50 %.', NULL, 20, 20, '≤20 % (3.2, undated: placed in the 2026–2028 stage). 3.4 names the complement 停车位供给率.',
 0, 100, 'plan 2.1, 3.2, 3.4', 'computed', 'plan', 'cp.parking_gap(...): 100 × gap_ratio per community (demand from cp.parking_demand)', NULL, true),
('pipe_ageing_rate', '老旧社区管网老化率', 'pipe-network ageing rate, communities built before 2000', 'livability', 'infrastructure', '%', 'lower', 0.3, false,
 45, 2023, 'Leakage above 30 % in old communities of Fuzhou and Xiamen.', 15, 15, 15, '<15 % after three years of renewal (3.2; 800 communities, 7.2): placed in the 2023–2025 stage.',
 0, 100, 'plan 2.1, 3.2, 3.4 (管网改造率), 7.2', 'recorded', 'plan', NULL, NULL, true),
('ev_charging_share', '新建居住社区充电设施配建率', 'share of parking spaces with EV chargers built or prepared, new communities', 'livability', 'infrastructure', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, 100, 100, 100, '100 % of spaces in new communities (national standard in force since 2020).',
 0, 100, '完整居住社区建设标准(试行) 2020 三.10 (not in the plan)', 'recorded', 'ours', NULL, NULL, true),
-- livability / public services
('life_circle_15min_coverage', '社区15分钟生活圈覆盖率', 'share of residents inside a complete 15-minute life circle', 'livability', 'public_services', '%', 'higher', 0.4, true,
 NULL, NULL, NULL, NULL, 90, 90, '≥90 %, core indicator (3.4, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 3.4, 4.2', 'computed', 'plan', 'cp.life_circle(..., standard => ''GB50180-2018''): population share reaching every required category of the 15min level (cp.life_circle_requirements)', NULL, true),
('public_service_facility_coverage', '社区公共服务设施覆盖率', 'public-service facility coverage', 'livability', 'public_services', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, 85, 85, '85 % in 2026 (8.2).',
 0, 100, 'plan 3.3, 8.2', 'computed', 'plan', 'cp.indicator_public_service_coverage: mean over the required categories of the 15-minute life circle of the share of each category''s target group within reach (cp.coverage)', NULL, true),
('rural_service_coverage_ratio', '农村社区公共服务设施覆盖率(相对城市社区)', 'rural public-service facility coverage relative to urban communities', 'livability', 'public_services', '%', 'higher', 0.3, false,
 60, 2023, NULL, NULL, 80, 80, '80 % of the urban level (3.2, undated: placed in the 2026–2028 stage).',
 0, 200, 'plan 2.1, 3.2', 'computed', 'plan', 'cp.indicator_rural_service_ratio: public-service facility coverage of each rural community / that of the urban communities (community_type)', 'A ratio of two coverages: may exceed 100 where rural coverage is better.', true),
-- livability / elderly care and childcare
('elderly_care_coverage', '社区养老设施覆盖率', 'community elderly-care facility coverage', 'livability', 'elderly_childcare', '%', 'higher', 0.4, false,
 58, 2023, 'Fuzhou Gulou district: 60+ share 22.3 %; developed countries about 80 %.', 85, 90, 90, '85 % by 2025 (3.2); 90 % in 2027 (8.2).',
 0, 100, 'plan 1.2, 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2', 'computed', 'plan', 'cp.indicator_elderly_care_coverage: share of communities where most residents 60+ reach elderly care (default elderly_day_care) at the elderly pace; the share of residents 60+ in the inputs', NULL, true),
('childcare_place_gap', '3岁以下婴幼儿托位缺口率', 'childcare place gap for children under 3', 'livability', 'elderly_childcare', '%', 'lower', 0.3, false,
 65, 2023, NULL, 30, 30, 30, '30 % (3.2, by 2025; 8.2 restates it for 2027).',
 0, 100, 'plan 2.2, 3.2, 8.2', 'computed', 'plan', 'cp.indicator_childcare_place_gap: 2SFCA place gap for category nursery, demand from children under 3: 100 × max(0, demand − accessible supply) / demand', NULL, true),
('childcare_institution_coverage', '社区托育机构覆盖率', 'community childcare institution coverage', 'livability', 'elderly_childcare', '%', 'higher', 0.3, false,
 30, 2023, NULL, 50, 100, 100, '50 % by 2025 (3.2); one per community in 2027 (8.2), i.e. 100 %.',
 0, 100, 'plan 2.2, 3.2, 3.4 (养老托育覆盖率), 8.2', 'computed', 'plan', 'cp.indicator_childcare_institution_coverage: share of communities where most children under 3 reach a nursery within its walking radius', NULL, true),
-- smartness / smart applications
('smart_service_usage', '居民智慧服务使用率(智慧化服务普及率)', 'residents using smart services (smart-service penetration)', 'smartness', 'smart_applications', '%', 'higher', 0.4, true,
 NULL, NULL, 'Below 20 % in failed pilots (2.4); no provincial baseline.', NULL, 60, 60, '≥60 % (3.2, undated); core indicator 智慧化服务普及率 ≥60 % (3.4): placed in the 2026–2028 stage.',
 0, 100, 'plan 2.4, 3.2, 3.4', 'recorded', 'plan', NULL, '3.2 使用率 and the 3.4 core 普及率 are taken as one indicator.', true),
('smart_service_coverage', '社区智慧化服务覆盖率', 'smart-service coverage of communities', 'smartness', 'smart_applications', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, 60, 80, '60 % in the 2026–2028 stage (3.3); 80 % by 2030 (3.1, 8.3).',
 0, 100, 'plan 3.1, 3.3, 8.3', 'recorded', 'plan', NULL, NULL, true),
('minzhengtong_access_rate', '"闽政通"社区服务接入率', 'community services available through Minzhengtong', 'smartness', 'smart_applications', '%', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, NULL, 100, 'All communities connected to 闽政通 by 2030 (8.3).',
 0, 100, 'plan 3.4 (Fujian extra), 8.3', 'recorded', 'plan', NULL, NULL, true),
-- smartness / smart infrastructure
('platform_data_integration', '智慧平台数据整合率', 'smart-platform data-integration rate', 'smartness', 'smart_infrastructure', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, 90, 90, '90 % in pilot communities (3.2, undated; platform layer 2025–2026, 5.2): placed in the 2026–2028 stage.',
 0, 100, 'plan 2.3, 3.2, 5.2', 'recorded', 'plan', NULL, NULL, true),
('smart_sensors', '社区智能传感器数量', 'smart sensors per community', 'smartness', 'smart_infrastructure', 'sensors', 'higher', 0.3, false,
 NULL, NULL, NULL, 200, 200, 200, 'At least 200 per community (7.2): placed in the pilot stage.',
 0, 1000000, 'plan 7.2', 'recorded', 'plan', NULL, NULL, true),
('digital_twin', '社区数字孪生平台', 'community digital-twin platform in place', 'smartness', 'smart_infrastructure', '0/1', 'higher', 0.3, false,
 NULL, NULL, NULL, 1, 1, 1, 'Each community builds one (7.2): placed in the pilot stage.',
 0, 1, 'plan 4.2, 7.2', 'recorded', 'plan', NULL, '1 = in place, 0 = not.', true),
-- smartness / data security and digital inclusion
('data_security_incident_rate', '数据安全事件发生率', 'data-security incident rate', 'smartness', 'digital_trust', '%', 'lower', 0.4, false,
 NULL, NULL, '45 % of residents worry about leaks of personal data (2.4).', NULL, 0.1, 0.1, '<0.1 % (3.2, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 2.4, 3.2, 6.4', 'recorded', 'plan', NULL, NULL, true),
('dialect_voice_fitness', '方言语音服务适配度', 'dialect voice-service fitness', 'smartness', 'digital_trust', 'score 0–100', 'higher', 0.3, false,
 NULL, NULL, NULL, NULL, NULL, NULL, 'The plan names the indicator without a target.',
 0, 100, 'plan 3.4 (Fujian extra)', 'recorded', 'plan', NULL, 'Scale 0–100 is ours.', true),
('elderly_smartphone_use', '60岁以上居民智能手机使用率', 'residents 60+ using a smartphone', 'smartness', 'digital_trust', '%', 'higher', 0.3, false,
 35, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.4, 5.2 (digital divide)', 'recorded', 'ours', NULL, NULL, true),
-- resilience / governance
('governance_participation', '居民参与社区事务比例(社区治理参与率)', 'residents taking part in community governance', 'resilience', 'governance', '%', 'higher', 0.4, true,
 32, 2023, 'National average 38 %.', NULL, 60, 60, '60 % (3.2; 2027 in 8.2); core indicator 社区治理参与率 ≥60 % (3.4).',
 0, 100, 'plan 1.3, 2.3, 3.2, 3.4, 8.2', 'recorded', 'plan', NULL, NULL, true),
('owners_committee_rate', '社区业委会成立率', 'owners'' committee establishment rate', 'resilience', 'governance', '%', 'higher', 0.3, false,
 45, 2023, 'National average 52 %.', NULL, 70, 70, '70 % (3.2; 2027 in 8.2).',
 0, 100, 'plan 1.3, 2.3, 3.2, 8.2', 'recorded', 'plan', NULL, NULL, true),
('resident_satisfaction', '居民生活服务满意度', 'resident satisfaction with living services', 'resilience', 'governance', '%', 'higher', 0.3, true,
 NULL, NULL, 'Xiamen Siming smart-community pilot 92 % (1.2).', NULL, 90, 90, 'Core indicator ≥90 % (3.4, undated: placed in the 2026–2028 stage); ≥90 % by 2030 (3.1).',
 0, 100, 'plan 3.1, 3.4, 4.4', 'recorded', 'plan', NULL, 'Placed under governance: the plan''s evaluation (4.4) measures it by resident survey.', true),
-- resilience / green and low-carbon
('green_building_share', '绿色建筑比例', 'green-building share', 'resilience', 'green_low_carbon', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, NULL, 70, 'Above 70 % by 2030 (3.1, 8.3); new communities 100 % (7.2).',
 0, 100, 'plan 3.1, 7.2, 8.3', 'recorded', 'plan', NULL, NULL, true),
('public_green_per_capita', '人均公共绿地面积', 'public green space per resident', 'resilience', 'green_low_carbon', 'm²/person', 'higher', 0.3, false,
 NULL, NULL, NULL, 2.0, 2.0, 2.0, 'GB 50180-2018 表4.0.4: ≥2.0 m²/person at the 15-minute level (old-district renewal ≥70 % of it, 4.0.5).',
 0, 1000, 'GB 50180-2018 4.0.4 (not in the plan)', 'computed', 'ours', 'cp.indicator_public_green_per_capita: area of the public green lying in the community / residents (cp.space_per_resident)', NULL, true),
('carbon_reduction', '社区碳排放降低率', 'reduction of community carbon emissions against the pre-renewal level', 'resilience', 'green_low_carbon', '%', 'higher', 0.3, false,
 NULL, NULL, 'Examples: Xiamen Siming eco pilot 40 % (4.1), Freiburg 60 % (1.5).', NULL, NULL, NULL, 'No target in the plan.',
 -100, 100, 'plan 1.5, 4.1, 7.2', 'recorded', 'ours', NULL, 'Negative values are increases.', true),
-- resilience / operation
('care_worker_shortfall', '专业护理人员缺口', 'professional care-worker shortfall', 'resilience', 'operation', 'persons', 'lower', 0.4, false,
 30000, 2023, 'Provincial figure.', 10000, 10000, 10000, '<10 000 by 2025 (3.2).',
 0, 10000000, 'plan 2.2, 3.2', 'recorded', 'plan', NULL, 'A provincial count: record it for the province (community_id of the province).', true),
('community_workers', '每社区专职社区工作者人数', 'full-time community workers per community', 'resilience', 'operation', 'persons', 'higher', 0.3, false,
 8, 2023, 'National average 10; below 15 % qualified for smart or elderly services (7.1).', NULL, NULL, NULL, 'No target in the plan (5 000 workers to be trained in three years, 7.1).',
 0, 10000, 'plan 7.1', 'recorded', 'ours', NULL, NULL, true),
('operating_cost_recovery', '社区运营收入覆盖运营成本比例', 'share of operating cost covered by community operating revenue', 'resilience', 'operation', '%', 'higher', 0.3, false,
 NULL, NULL, 'Example: Fuzhou Gulou community revenue covers 60 % (6.2, 7.3); public money 65 % of pilot funding (6.2).', NULL, NULL, NULL, 'No target in the plan.',
 0, 1000, 'plan 4.3, 6.2, 7.3', 'recorded', 'ours', NULL, 'May exceed 100 when revenue exceeds cost.', true),
-- humanity / cultural heritage
('heritage_protection_rate', '传统建筑(历史建筑)保护率', 'traditional-building protection rate', 'humanity', 'cultural_heritage', '%', 'higher', 0.4, false,
 NULL, NULL, NULL, NULL, 90, 95, '90 % (3.2, undated: placed in the 2026–2028 stage); 95 % in 2031–2033 (8.3).',
 0, 100, 'plan 2.5, 3.2, 3.4 (历史建筑保护率), 5.4, 8.3', 'computed', 'plan', 'heritage register: protected / registered traditional buildings per community (issue 7 heritage functions)', NULL, true),
('intangible_heritage_coverage', '闽南、客家等非遗项目进社区覆盖率', 'intangible-heritage programmes (Minnan, Hakka) reaching communities', 'humanity', 'cultural_heritage', '%', 'higher', 0.3, false,
 NULL, NULL, 'Example: Zhangzhou Longwen puppetry classes, youth participation 70 % (5.4).', NULL, NULL, NULL, 'The plan names the indicator without a target.',
 0, 100, 'plan 3.4 (Fujian extra), 5.4', 'recorded', 'plan', NULL, NULL, true),
('heritage_plan_rate', '传统建筑"一户一策"保护方案覆盖率', 'traditional buildings with their own protection plan', 'humanity', 'cultural_heritage', '%', 'higher', 0.3, false,
 NULL, NULL, 'Fuzhou Three Lanes and Seven Alleys: 50 buildings, each with its own plan (5.4).', NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 5.4', 'recorded', 'ours', NULL, NULL, true),
-- humanity / cultural activities
('cultural_space_per_capita', '社区文化活动场所人均面积', 'cultural activity space per resident', 'humanity', 'cultural_activities', 'm²/person', 'higher', 0.4, false,
 0.8, 2023, 'National average 1.2 m².', NULL, NULL, 1.2, '1.2 m² (3.2); dated 2031–2033 in 8.3.',
 0, 1000, 'plan 2.5, 3.2, 8.3', 'computed', 'plan', 'per-resident space (issue 5) for category culture_activity: floor area / residents', NULL, true),
('cultural_activity_participation', '社区文化活动参与率', 'residents taking part in community cultural activities', 'humanity', 'cultural_activities', '%', 'higher', 0.3, false,
 35, 2023, 'Below 35 % (6.3).', NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
('cultural_events_per_year', '社区年均文化活动次数', 'community cultural events per year', 'humanity', 'cultural_activities', 'events/year', 'higher', 0.3, false,
 NULL, NULL, 'Example: a Xiapu community holds 4 a year (2.5); no provincial baseline.', NULL, NULL, NULL, 'No target in the plan.',
 0, 10000, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
-- humanity / neighbourhood
('community_identity_index', '居民社区认同感指数', 'community identity index', 'humanity', 'neighbourhood', 'score 0–100', 'higher', 0.4, false,
 65, 2023, NULL, NULL, 85, 85, '85 of 100 (3.2, undated: placed in the 2026–2028 stage).',
 0, 100, 'plan 3.2', 'recorded', 'plan', NULL, NULL, true),
('neighbour_acquaintance_rate', '认识邻居名字的居民比例', 'residents who know a neighbour''s name', 'humanity', 'neighbourhood', '%', 'higher', 0.3, false,
 28, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5, 6.3', 'recorded', 'ours', NULL, NULL, true),
('mutual_aid_rate', '邻里互助行为发生率', 'residents reporting mutual help between neighbours', 'humanity', 'neighbourhood', '%', 'higher', 0.3, false,
 35, 2023, NULL, NULL, NULL, NULL, 'No target in the plan.',
 0, 100, 'plan 2.5', 'recorded', 'ours', NULL, NULL, true);

-- Rules -----------------------------------------------------------------------
CREATE FUNCTION cp.check_indicator_value() RETURNS trigger
LANGUAGE plpgsql VOLATILE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind record;
BEGIN
  IF TG_TABLE_NAME = 'indicator_values' THEN
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF NOT FOUND THEN
      RETURN NEW;   -- the foreign key reports the unknown indicator
    END IF;
    IF NEW.value = 'NaN' OR NEW.value < ind.valid_min OR NEW.value > ind.valid_max THEN
      RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('value %s is out of range for indicator "%s"'), NEW.value, NEW.indicator),
              ERRCODE = '22003',
              DETAIL = pg_catalog.format(cp._t('Indicator %s accepts values from %s to %s (%s).'), NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = cp._t('Enter shares as percentages (0 to 100), in the indicator''s unit.');
    END IF;
  ELSE
    SELECT i.valid_min, i.valid_max, i.unit INTO ind FROM cp.indicators i WHERE i.code = NEW.indicator;
    IF FOUND AND EXISTS (SELECT 1 FROM unnest(ARRAY[NEW.baseline, NEW.target_2025, NEW.target_2028, NEW.target_2035]) v
                          WHERE v = 'NaN' OR v < ind.valid_min OR v > ind.valid_max) THEN
      RAISE EXCEPTION 'local baseline or target is out of range for indicator "%"', NEW.indicator
        USING ERRCODE = '22003',
              DETAIL = pg_catalog.format('Indicator %s accepts values from %s to %s (%s).', NEW.indicator, ind.valid_min, ind.valid_max, ind.unit),
              HINT = 'Enter shares as percentages (0 to 100), in the indicator''s unit.';
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION cp.check_indicator_value() IS
  'Trigger: rejects an indicator value, local baseline or local target outside the indicator''s valid range, or NaN (SQLSTATE 22003)';

CREATE TRIGGER check_value BEFORE INSERT OR UPDATE ON cp.indicator_values
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_value();
CREATE TRIGGER check_value BEFORE INSERT OR UPDATE ON cp.indicator_local
  FOR EACH ROW EXECUTE FUNCTION cp.check_indicator_value();

CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_dimensions
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_dimensions
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicator_domains
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicator_domains
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON cp.indicators
  FOR EACH ROW EXECUTE FUNCTION cp.protect_shipped();
CREATE TRIGGER protect_shipped_truncate BEFORE TRUNCATE ON cp.indicators
  FOR EACH STATEMENT EXECUTE FUNCTION cp.protect_shipped();

SELECT pg_catalog.pg_extension_config_dump('cp.indicator_dimensions', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_domains', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicators', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_local', '');
SELECT pg_catalog.pg_extension_config_dump('cp.indicator_values', '');

GRANT SELECT ON cp.indicator_dimensions, cp.indicator_domains, cp.indicators, cp.indicator_catalogue TO PUBLIC;

CREATE FUNCTION cp.plan_stage(year int) RETURNS int
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
BEGIN
  IF year < 2000 THEN
    RAISE EXCEPTION 'year % is long before the plan', year
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages are 2023–2025, 2026–2028 and 2029–2035; years from 2000 count towards the first.',
            HINT = 'Give a calendar year such as 2025.';
  END IF;
  IF year > 2035 THEN
    RAISE EXCEPTION 'year % is after the plan''s last stage', year
      USING ERRCODE = '22023',
            DETAIL = 'The plan''s stages are 2023–2025, 2026–2028 and 2029–2035.',
            HINT = 'Compare later values with the 2035 targets explicitly.';
  END IF;
  RETURN CASE WHEN year <= 2025 THEN 2025 WHEN year <= 2028 THEN 2028 ELSE 2035 END;
END
$$;
COMMENT ON FUNCTION cp.plan_stage(int) IS
  'Plan stage (2025, 2028 or 2035) whose targets apply to a year: up to 2025 the pilot stage, 2026–2028 roll-out, 2029–2035 deepening; before 2000 or after 2035 error 22023';

CREATE FUNCTION cp.indicator_target(indicator text, stage int) RETURNS numeric
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT
AS $$
DECLARE
  ind text := indicator;
  r record;
BEGIN
  SELECT c.target_2025, c.target_2028, c.target_2035 INTO r FROM cp.indicator_catalogue c WHERE c.code = ind;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('indicator "%s" does not exist'), ind),
            ERRCODE = '42704',
            DETAIL = cp._t('Indicators are listed in cp.indicators.'),
            HINT = cp._t('Check the code, or add your own indicator.');
  END IF;
  IF stage NOT IN (2025, 2028, 2035) THEN
    RAISE EXCEPTION USING MESSAGE = pg_catalog.format(cp._t('unknown plan stage %s'), stage),
            ERRCODE = '22023',
            DETAIL = cp._t('The plan''s stages end in 2025, 2028 and 2035.'),
            HINT = cp._t('Map a year to its stage with cp.plan_stage(year).');
  END IF;
  RETURN CASE stage WHEN 2025 THEN r.target_2025 WHEN 2028 THEN r.target_2028 ELSE r.target_2035 END;
END
$$;
COMMENT ON FUNCTION cp.indicator_target(text, int) IS
  'Effective target of an indicator for a plan stage (2025, 2028 or 2035), local settings applied; NULL when the stage has none. Errors: unknown indicator 42704, unknown stage 22023';
