-- Syncline demo ERP, SQLite dialect. Same tables and columns as postgresql.sql; see README.md.
--
-- Differences from the PostgreSQL file, and why:
-- * Decimal columns (NUMERIC(19,6) in PostgreSQL) are declared VARCHAR(32) and hold text such as '12.500000'.
--   A NUMERIC or DECIMAL declaration would give the column NUMERIC affinity, and SQLite would then convert
--   '12.500000' into the 8-byte float 12.5: exact decimals would be lost. VARCHAR has TEXT affinity, which
--   keeps the text exactly as written; the generator always writes 6 decimal places.
-- * CHAR(n) is not padded by SQLite, so the generator writes codes padded with spaces as a real ERP returns them,
--   and every CHAR column uses COLLATE RTRIM: comparisons ignore trailing spaces, like PostgreSQL's CHAR(n), so
--   WHERE ItemCode = 'A0000001' finds 'A0000001            ' in both databases (also for foreign keys).
-- * TIMESTAMP and DATE columns hold text 'YYYY-MM-DD HH:MM:SS' and 'YYYY-MM-DD'.
-- * Foreign keys are only enforced on connections that enable them (PRAGMA foreign_keys=ON; the generated ODBC
--   DSN sets FKSupport=1). The order tables also have triggers, so an order line for an unknown item is rejected
--   on every connection, as the ERP would.
-- * Tables keyed by codes are WITHOUT ROWID: the rows live in the primary-key b-tree.
--
-- syncline-demo-erp inserts the rows at the marker line below, then creates the indexes and triggers.

CREATE TABLE UOMS (
    UomCode      CHAR(8)      COLLATE RTRIM NOT NULL PRIMARY KEY,
    UomName      VARCHAR(40)  NOT NULL,
    QtyDecimals  SMALLINT     NOT NULL CHECK (QtyDecimals BETWEEN 0 AND 6),
    ModifiedDate TIMESTAMP    NOT NULL
) WITHOUT ROWID;

CREATE TABLE ITGR (
    ItmGrpCode   CHAR(8)      COLLATE RTRIM NOT NULL PRIMARY KEY,
    ItmGrpName   VARCHAR(60)  NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL
) WITHOUT ROWID;

CREATE TABLE ITMS (
    ItemCode     CHAR(20)     COLLATE RTRIM NOT NULL PRIMARY KEY,
    ItemName     VARCHAR(100) NOT NULL,
    ItmGrpCode   CHAR(8)      COLLATE RTRIM NOT NULL REFERENCES ITGR,
    SalesUom     CHAR(8)      COLLATE RTRIM NOT NULL REFERENCES UOMS,
    ListPrice    VARCHAR(32)  NOT NULL,
    PriceCurr    CHAR(3)      COLLATE RTRIM NOT NULL,
    ActiveFlag   CHAR(1)      COLLATE RTRIM NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    WeightKg     VARCHAR(32),
    BarCode      VARCHAR(20),
    CreateDate   TIMESTAMP    NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL
) WITHOUT ROWID;

CREATE TABLE WHSE (
    WhsCode      CHAR(8)      COLLATE RTRIM NOT NULL PRIMARY KEY,
    WhsName      VARCHAR(60)  NOT NULL,
    ActiveFlag   CHAR(1)      COLLATE RTRIM NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    ModifiedDate TIMESTAMP    NOT NULL
) WITHOUT ROWID;

CREATE TABLE ITWS (
    ItemCode     CHAR(20)     COLLATE RTRIM NOT NULL REFERENCES ITMS,
    WhsCode      CHAR(8)      COLLATE RTRIM NOT NULL REFERENCES WHSE,
    OnHandQty    VARCHAR(32)  NOT NULL,
    CommittedQty VARCHAR(32)  NOT NULL,
    OnOrderQty   VARCHAR(32)  NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL,
    PRIMARY KEY (ItemCode, WhsCode)
) WITHOUT ROWID;

CREATE TABLE PRLS (
    PriceListNo   INTEGER      NOT NULL PRIMARY KEY,
    PriceListName VARCHAR(60)  NOT NULL,
    Currency      CHAR(3)      COLLATE RTRIM NOT NULL,
    ModifiedDate  TIMESTAMP    NOT NULL
);

CREATE TABLE PRLP (
    PriceListNo  INTEGER      NOT NULL REFERENCES PRLS,
    ItemCode     CHAR(20)     COLLATE RTRIM NOT NULL REFERENCES ITMS,
    Price        VARCHAR(32)  NOT NULL,
    Currency     CHAR(3)      COLLATE RTRIM NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL,
    PRIMARY KEY (PriceListNo, ItemCode)
) WITHOUT ROWID;

CREATE TABLE CSGR (
    GroupNo      INTEGER      NOT NULL PRIMARY KEY,
    GroupName    VARCHAR(60)  NOT NULL,
    PriceListNo  INTEGER      NOT NULL REFERENCES PRLS,
    ModifiedDate TIMESTAMP    NOT NULL
);

CREATE TABLE BPMS (
    CardCode     CHAR(15)     COLLATE RTRIM NOT NULL PRIMARY KEY,
    CardName     VARCHAR(100) NOT NULL,
    CardType     CHAR(1)      COLLATE RTRIM NOT NULL CHECK (CardType IN ('C', 'S')),
    GroupNo      INTEGER      REFERENCES CSGR,
    PriceListNo  INTEGER      REFERENCES PRLS,
    Currency     CHAR(3)      COLLATE RTRIM NOT NULL,
    BlockedFlag  CHAR(1)      COLLATE RTRIM NOT NULL CHECK (BlockedFlag IN ('Y', 'N')),
    EMail        VARCHAR(100),
    Phone        VARCHAR(30),
    City         VARCHAR(60),
    Country      CHAR(2)      COLLATE RTRIM NOT NULL,
    CreateDate   TIMESTAMP    NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL
) WITHOUT ROWID;

CREATE TABLE SPPH (
    SpecPriceId  INTEGER      NOT NULL PRIMARY KEY,
    ItemCode     CHAR(20)     COLLATE RTRIM NOT NULL REFERENCES ITMS,
    CardCode     CHAR(15)     COLLATE RTRIM REFERENCES BPMS,
    GroupNo      INTEGER      REFERENCES CSGR,
    Currency     CHAR(3)      COLLATE RTRIM NOT NULL,
    Price        VARCHAR(32),
    DiscountPct  VARCHAR(32),
    ValidFrom    DATE         NOT NULL,
    ValidTo      DATE,
    ActiveFlag   CHAR(1)      COLLATE RTRIM NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    ModifiedDate TIMESTAMP    NOT NULL,
    CHECK ((CardCode IS NULL) <> (GroupNo IS NULL)),
    CHECK ((Price IS NULL) <> (DiscountPct IS NULL)),
    CHECK (ValidTo IS NULL OR ValidTo >= ValidFrom)
);

CREATE TABLE SPPB (
    SpecPriceId  INTEGER      NOT NULL REFERENCES SPPH ON DELETE CASCADE,
    BreakNo      SMALLINT     NOT NULL,
    FromQty      VARCHAR(32)  NOT NULL,
    Price        VARCHAR(32),
    DiscountPct  VARCHAR(32),
    CHECK ((Price IS NULL) <> (DiscountPct IS NULL)),
    PRIMARY KEY (SpecPriceId, BreakNo)
) WITHOUT ROWID;

CREATE TABLE DOCN (
    ObjectCode   CHAR(8)      COLLATE RTRIM NOT NULL PRIMARY KEY,
    ObjectName   VARCHAR(40)  NOT NULL,
    NextEntry    INTEGER      NOT NULL,
    NextNumber   INTEGER      NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL
);

CREATE TABLE SORH (
    DocEntry     INTEGER      NOT NULL PRIMARY KEY,
    DocNum       INTEGER      NOT NULL UNIQUE,
    CardCode     CHAR(15)     COLLATE RTRIM NOT NULL REFERENCES BPMS,
    DocDate      DATE         NOT NULL,
    DueDate      DATE         NOT NULL,
    Currency     CHAR(3)      COLLATE RTRIM NOT NULL,
    DocTotal     VARCHAR(32)  NOT NULL,
    ExtRef       VARCHAR(50)  UNIQUE,
    DocStatus    CHAR(1)      COLLATE RTRIM NOT NULL CHECK (DocStatus IN ('O', 'C')),
    CancelFlag   CHAR(1)      COLLATE RTRIM NOT NULL CHECK (CancelFlag IN ('Y', 'N')),
    ShipStatus   CHAR(1)      COLLATE RTRIM NOT NULL CHECK (ShipStatus IN ('N', 'P', 'S')),
    TrackingNo   VARCHAR(40),
    InvoiceNo    INTEGER,
    Comments     VARCHAR(254),
    CreateDate   TIMESTAMP    NOT NULL,
    ModifiedDate TIMESTAMP    NOT NULL
);

CREATE TABLE SORL (
    DocEntry     INTEGER      NOT NULL REFERENCES SORH ON DELETE CASCADE,
    LineNum      INTEGER      NOT NULL,
    ItemCode     CHAR(20)     COLLATE RTRIM NOT NULL REFERENCES ITMS,
    Quantity     VARCHAR(32)  NOT NULL CHECK (CAST(Quantity AS NUMERIC) > 0),
    UnitPrice    VARCHAR(32)  NOT NULL,
    WhsCode      CHAR(8)      COLLATE RTRIM NOT NULL REFERENCES WHSE,
    LineTotal    VARCHAR(32)  NOT NULL,
    PRIMARY KEY (DocEntry, LineNum)
) WITHOUT ROWID;

-- syncline-demo-erp: rows are loaded here

-- Incremental pulls read "WHERE ModifiedDate >= ? ORDER BY ModifiedDate, <key>".
CREATE INDEX ITMS_ModifiedDate ON ITMS (ModifiedDate);
CREATE INDEX ITWS_ModifiedDate ON ITWS (ModifiedDate);
CREATE INDEX PRLP_ModifiedDate ON PRLP (ModifiedDate);
CREATE INDEX BPMS_ModifiedDate ON BPMS (ModifiedDate);
CREATE INDEX SPPH_ModifiedDate ON SPPH (ModifiedDate);
CREATE INDEX SORH_ModifiedDate ON SORH (ModifiedDate);
-- Price look-ups per customer or group, and order look-ups per customer.
CREATE INDEX SPPH_CardCode_ItemCode ON SPPH (CardCode, ItemCode);
CREATE INDEX SPPH_GroupNo_ItemCode ON SPPH (GroupNo, ItemCode);
CREATE INDEX SORH_CardCode ON SORH (CardCode);

-- The ERP rejects orders for unknown customers and items even on connections without PRAGMA foreign_keys.
CREATE TRIGGER SORH_CardCode_check BEFORE INSERT ON SORH
WHEN NOT EXISTS (SELECT 1 FROM BPMS WHERE CardCode = NEW.CardCode)
BEGIN
    SELECT RAISE(ABORT, 'SORH: unknown business partner (CardCode)');
END;

CREATE TRIGGER SORL_ItemCode_check BEFORE INSERT ON SORL
WHEN NOT EXISTS (SELECT 1 FROM ITMS WHERE ItemCode = NEW.ItemCode)
BEGIN
    SELECT RAISE(ABORT, 'SORL: unknown item (ItemCode)');
END;

CREATE TRIGGER SORL_DocEntry_check BEFORE INSERT ON SORL
WHEN NOT EXISTS (SELECT 1 FROM SORH WHERE DocEntry = NEW.DocEntry)
BEGIN
    SELECT RAISE(ABORT, 'SORL: unknown order (DocEntry)');
END;
