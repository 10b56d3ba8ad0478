-- Syncline demo ERP, PostgreSQL dialect. Same tables and columns as sqlite.sql; see README.md.
--
-- Identifiers are unquoted on purpose: PostgreSQL folds them to lower case, SQLite ignores case, so the same SQL
-- text (SELECT ItemCode FROM ITMS ...) works against both backends.
--
-- Code columns (ItemCode, CardCode, ...) use COLLATE "C": they sort byte by byte, as in SQLite, so keyset paging
-- (WHERE ItemCode > ? ORDER BY ItemCode) walks the same order on both backends, and their keys build several
-- times faster than under a language collation.
--
-- The file has two parts, like pg_dump's pre-data and post-data: the tables first, then the keys, foreign keys and
-- indexes. Applied as a whole with psql it creates an empty ERP. syncline-demo-erp loads the rows with COPY between
-- the two parts (at the marker line below) because building keys once after the load is several times faster than
-- maintaining them row by row.

-- Units of measure.
CREATE TABLE UOMS (
    UomCode       CHAR(8) COLLATE "C"   NOT NULL,
    UomName       VARCHAR(40)           NOT NULL,
    QtyDecimals   SMALLINT              NOT NULL CHECK (QtyDecimals BETWEEN 0 AND 6),
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Item groups.
CREATE TABLE ITGR (
    ItmGrpCode    CHAR(8) COLLATE "C"   NOT NULL,
    ItmGrpName    VARCHAR(60)           NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Item master.
CREATE TABLE ITMS (
    ItemCode      CHAR(20) COLLATE "C"  NOT NULL,
    ItemName      VARCHAR(100)          NOT NULL,
    ItmGrpCode    CHAR(8) COLLATE "C"   NOT NULL,
    SalesUom      CHAR(8) COLLATE "C"   NOT NULL,
    ListPrice     NUMERIC(19, 6)        NOT NULL,
    PriceCurr     CHAR(3)               NOT NULL,
    ActiveFlag    CHAR(1)               NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    WeightKg      NUMERIC(19, 6),
    BarCode       VARCHAR(20),
    CreateDate    TIMESTAMP             NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Warehouses.
CREATE TABLE WHSE (
    WhsCode       CHAR(8) COLLATE "C"   NOT NULL,
    WhsName       VARCHAR(60)           NOT NULL,
    ActiveFlag    CHAR(1)               NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Stock per item and warehouse.
CREATE TABLE ITWS (
    ItemCode      CHAR(20) COLLATE "C"  NOT NULL,
    WhsCode       CHAR(8) COLLATE "C"   NOT NULL,
    OnHandQty     NUMERIC(19, 6)        NOT NULL,
    CommittedQty  NUMERIC(19, 6)        NOT NULL,
    OnOrderQty    NUMERIC(19, 6)        NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Price lists.
CREATE TABLE PRLS (
    PriceListNo   INTEGER               NOT NULL,
    PriceListName VARCHAR(60)           NOT NULL,
    Currency      CHAR(3)               NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Item prices per price list.
CREATE TABLE PRLP (
    PriceListNo   INTEGER               NOT NULL,
    ItemCode      CHAR(20) COLLATE "C"  NOT NULL,
    Price         NUMERIC(19, 6)        NOT NULL,
    Currency      CHAR(3)               NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Customer groups, each with its price list.
CREATE TABLE CSGR (
    GroupNo       INTEGER               NOT NULL,
    GroupName     VARCHAR(60)           NOT NULL,
    PriceListNo   INTEGER               NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Business partners: customers (CardType 'C') and suppliers ('S').
CREATE TABLE BPMS (
    CardCode      CHAR(15) COLLATE "C"  NOT NULL,
    CardName      VARCHAR(100)          NOT NULL,
    CardType      CHAR(1)               NOT NULL CHECK (CardType IN ('C', 'S')),
    GroupNo       INTEGER,
    PriceListNo   INTEGER,
    Currency      CHAR(3)               NOT NULL,
    BlockedFlag   CHAR(1)               NOT NULL CHECK (BlockedFlag IN ('Y', 'N')),
    EMail         VARCHAR(100),
    Phone         VARCHAR(30),
    City          VARCHAR(60),
    Country       CHAR(2)               NOT NULL,
    CreateDate    TIMESTAMP             NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Special prices for one customer or one customer group: an absolute price or a percentage discount.
CREATE TABLE SPPH (
    SpecPriceId   INTEGER               NOT NULL,
    ItemCode      CHAR(20) COLLATE "C"  NOT NULL,
    CardCode      CHAR(15) COLLATE "C",
    GroupNo       INTEGER,
    Currency      CHAR(3)               NOT NULL,
    Price         NUMERIC(19, 6),
    DiscountPct   NUMERIC(19, 6),
    ValidFrom     DATE                  NOT NULL,
    ValidTo       DATE,
    ActiveFlag    CHAR(1)               NOT NULL CHECK (ActiveFlag IN ('Y', 'N')),
    ModifiedDate  TIMESTAMP             NOT NULL,
    CHECK ((CardCode IS NULL) <> (GroupNo IS NULL)),
    CHECK ((Price IS NULL) <> (DiscountPct IS NULL)),
    CHECK (ValidTo IS NULL OR ValidTo >= ValidFrom)
);

-- Quantity breaks of a special price.
CREATE TABLE SPPB (
    SpecPriceId   INTEGER               NOT NULL,
    BreakNo       SMALLINT              NOT NULL,
    FromQty       NUMERIC(19, 6)        NOT NULL,
    Price         NUMERIC(19, 6),
    DiscountPct   NUMERIC(19, 6),
    CHECK ((Price IS NULL) <> (DiscountPct IS NULL))
);

-- Document numbering: the next internal entry and the next document number per document type.
CREATE TABLE DOCN (
    ObjectCode    CHAR(8) COLLATE "C"   NOT NULL,
    ObjectName    VARCHAR(40)           NOT NULL,
    NextEntry     INTEGER               NOT NULL,
    NextNumber    INTEGER               NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Sales order header.
CREATE TABLE SORH (
    DocEntry      INTEGER               NOT NULL,
    DocNum        INTEGER               NOT NULL,
    CardCode      CHAR(15) COLLATE "C"  NOT NULL,
    DocDate       DATE                  NOT NULL,
    DueDate       DATE                  NOT NULL,
    Currency      CHAR(3)               NOT NULL,
    DocTotal      NUMERIC(19, 6)        NOT NULL,
    ExtRef        VARCHAR(50),
    DocStatus     CHAR(1)               NOT NULL CHECK (DocStatus IN ('O', 'C')),
    CancelFlag    CHAR(1)               NOT NULL CHECK (CancelFlag IN ('Y', 'N')),
    ShipStatus    CHAR(1)               NOT NULL CHECK (ShipStatus IN ('N', 'P', 'S')),
    TrackingNo    VARCHAR(40),
    InvoiceNo     INTEGER,
    Comments      VARCHAR(254),
    CreateDate    TIMESTAMP             NOT NULL,
    ModifiedDate  TIMESTAMP             NOT NULL
);

-- Sales order lines.
CREATE TABLE SORL (
    DocEntry      INTEGER               NOT NULL,
    LineNum       INTEGER               NOT NULL,
    ItemCode      CHAR(20) COLLATE "C"  NOT NULL,
    Quantity      NUMERIC(19, 6)        NOT NULL CHECK (Quantity > 0),
    UnitPrice     NUMERIC(19, 6)        NOT NULL,
    WhsCode       CHAR(8) COLLATE "C"   NOT NULL,
    LineTotal     NUMERIC(19, 6)        NOT NULL
);

-- syncline-demo-erp: rows are loaded here

ALTER TABLE UOMS ADD PRIMARY KEY (UomCode);
ALTER TABLE ITGR ADD PRIMARY KEY (ItmGrpCode);
ALTER TABLE ITMS ADD PRIMARY KEY (ItemCode);
ALTER TABLE WHSE ADD PRIMARY KEY (WhsCode);
ALTER TABLE ITWS ADD PRIMARY KEY (ItemCode, WhsCode);
ALTER TABLE PRLS ADD PRIMARY KEY (PriceListNo);
ALTER TABLE PRLP ADD PRIMARY KEY (PriceListNo, ItemCode);
ALTER TABLE CSGR ADD PRIMARY KEY (GroupNo);
ALTER TABLE BPMS ADD PRIMARY KEY (CardCode);
ALTER TABLE SPPH ADD PRIMARY KEY (SpecPriceId);
ALTER TABLE SPPB ADD PRIMARY KEY (SpecPriceId, BreakNo);
ALTER TABLE DOCN ADD PRIMARY KEY (ObjectCode);
ALTER TABLE SORH ADD PRIMARY KEY (DocEntry);
ALTER TABLE SORH ADD CONSTRAINT SORH_DocNum_key UNIQUE (DocNum);
ALTER TABLE SORH ADD CONSTRAINT SORH_ExtRef_key UNIQUE (ExtRef);
ALTER TABLE SORL ADD PRIMARY KEY (DocEntry, LineNum);

ALTER TABLE ITMS ADD FOREIGN KEY (ItmGrpCode) REFERENCES ITGR;
ALTER TABLE ITMS ADD FOREIGN KEY (SalesUom) REFERENCES UOMS;
ALTER TABLE ITWS ADD FOREIGN KEY (ItemCode) REFERENCES ITMS;
ALTER TABLE ITWS ADD FOREIGN KEY (WhsCode) REFERENCES WHSE;
ALTER TABLE PRLP ADD FOREIGN KEY (PriceListNo) REFERENCES PRLS;
ALTER TABLE PRLP ADD FOREIGN KEY (ItemCode) REFERENCES ITMS;
ALTER TABLE CSGR ADD FOREIGN KEY (PriceListNo) REFERENCES PRLS;
ALTER TABLE BPMS ADD FOREIGN KEY (GroupNo) REFERENCES CSGR;
ALTER TABLE BPMS ADD FOREIGN KEY (PriceListNo) REFERENCES PRLS;
ALTER TABLE SPPH ADD FOREIGN KEY (ItemCode) REFERENCES ITMS;
ALTER TABLE SPPH ADD FOREIGN KEY (CardCode) REFERENCES BPMS;
ALTER TABLE SPPH ADD FOREIGN KEY (GroupNo) REFERENCES CSGR;
ALTER TABLE SPPB ADD FOREIGN KEY (SpecPriceId) REFERENCES SPPH ON DELETE CASCADE;
ALTER TABLE SORH ADD FOREIGN KEY (CardCode) REFERENCES BPMS;
ALTER TABLE SORL ADD FOREIGN KEY (DocEntry) REFERENCES SORH ON DELETE CASCADE;
ALTER TABLE SORL ADD FOREIGN KEY (ItemCode) REFERENCES ITMS;
ALTER TABLE SORL ADD FOREIGN KEY (WhsCode) REFERENCES WHSE;

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
