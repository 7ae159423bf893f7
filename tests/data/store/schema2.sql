-- An access store as schema 2 wrote it (kubeiam access-entry --store): three entries, two policy
-- associations, authentication mode API, revision 6.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('cluster_name','demo');
INSERT INTO meta VALUES('account_id','');
INSERT INTO meta VALUES('region','us-east-1');
INSERT INTO meta VALUES('partition','aws');
INSERT INTO meta VALUES('authentication_mode','API');
INSERT INTO meta VALUES('bootstrap_admin','true');
INSERT INTO meta VALUES('created_at','1796042309881185');
INSERT INTO meta VALUES('revision','6');
CREATE TABLE access_entries (
         principal_arn TEXT PRIMARY KEY COLLATE NOCASE,
         type TEXT NOT NULL,
         username TEXT NOT NULL,
         kubernetes_groups TEXT NOT NULL,  -- JSON array
         tags TEXT NOT NULL,               -- JSON object
         access_entry_arn TEXT NOT NULL,
         principal_id TEXT NOT NULL,
         created_at INTEGER NOT NULL,      -- microseconds since the epoch
         modified_at INTEGER NOT NULL, client_request_token TEXT NOT NULL DEFAULT '');
INSERT INTO access_entries VALUES('arn:aws:iam::111122223333:role/Nodes','EC2_LINUX','system:node:{{EC2PrivateDNSName}}','["system:nodes"]','{}','arn:aws:eks:us-east-1:111122223333:access-entry/demo/role/111122223333/Nodes/bec6625d-a119-4401-9b34-35fe83ff07f5','',1796042309897928,1796042309897928,'');
INSERT INTO access_entries VALUES('arn:aws:iam::111122223333:user/admin','STANDARD','admin','[]','{}','arn:aws:eks:us-east-1:111122223333:access-entry/demo/user/111122223333/admin/70148c9c-7e12-4343-bea4-c4c707118761','',1796042309891019,1796042309891019,'');
INSERT INTO access_entries VALUES('arn:aws:iam::111122223333:role/teams/Dev','STANDARD','arn:aws:sts::111122223333:assumed-role/Dev/{{SessionName}}','["devs","viewers"]','{"team":"a"}','arn:aws:eks:us-east-1:111122223333:access-entry/demo/role/111122223333/Dev/f3c75279-b927-4259-909b-dbb959cfd39b','',1796042309884387,1796042309884387,'');
CREATE TABLE associated_policies (
         principal_arn TEXT NOT NULL COLLATE NOCASE
           REFERENCES access_entries(principal_arn) ON DELETE CASCADE,
         policy_arn TEXT NOT NULL,
         scope_type TEXT NOT NULL,
         namespaces TEXT NOT NULL,         -- JSON array
         associated_at INTEGER NOT NULL,
         modified_at INTEGER NOT NULL,
         PRIMARY KEY (principal_arn, policy_arn));
INSERT INTO associated_policies VALUES('arn:aws:iam::111122223333:user/admin','arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy','cluster','[]',1796042309904949,1796042309904949);
INSERT INTO associated_policies VALUES('arn:aws:iam::111122223333:role/teams/Dev','arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy','namespace','["dev-a","dev-b"]',1796042309910412,1796042309910412);
COMMIT;
PRAGMA user_version = 2;
