-- CreateTable
CREATE TABLE "SeriesPoint" (
    "targetId" TEXT NOT NULL,
    "entityKind" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "bucket" TIMESTAMP(3) NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "avg" DOUBLE PRECISION NOT NULL,
    "last" DOUBLE PRECISION NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "SeriesPoint_pkey" PRIMARY KEY ("targetId","entityKind","entityId","metric","bucket")
);

-- CreateIndex
CREATE INDEX "SeriesPoint_bucket_idx" ON "SeriesPoint"("bucket");
